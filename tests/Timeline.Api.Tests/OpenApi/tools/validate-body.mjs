// Validates a JSON body (stdin) against a schema of an OpenAPI 3.1 document with Ajv (JSON Schema 2020-12):
//   node validate-body.mjs <document.json> <JSON pointer to the schema in it>
// Prints each violation and exits 1 when there is one. Used by the contract test for the media types Prism
// matches by their suffix alone (application/geo+json is read as application/json).
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [documentPath, pointer] = process.argv.slice(2);
const document = JSON.parse(readFileSync(documentPath, "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
for (const format of ["int32", "int64", "double", "float"]) ajv.addFormat(format, true);
ajv.addSchema(document, "openapi.json");
const validate = ajv.compile({ $ref: "openapi.json" + pointer });
const body = JSON.parse(readFileSync(0, "utf8"));
if (!validate(body)) {
  for (const e of validate.errors) console.log(`${e.instancePath || "(body)"} ${e.message} ${JSON.stringify(e.params)}`);
  process.exit(1);
}
