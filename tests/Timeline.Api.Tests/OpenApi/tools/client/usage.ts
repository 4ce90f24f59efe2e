// What a front-end team writes against the generated types (generated/timeline.d.ts, made by openapi-typescript
// from openapi/v1.json): list, detail, the timeline export and a write, with openapi-fetch. The tests compile it
// with `tsc --strict --noEmit`; it is not run. Required and nullable properties in the document decide what
// compiles: a create body without `wikidataQid` or `newSources`, `location` that may be null, filters that may
// be absent from an export.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/timeline";

type EventDetail = components["schemas"]["EventDetail"];
type CreateEventRequest = components["schemas"]["CreateEventRequest"];

const api = createClient<paths>({ baseUrl: "http://127.0.0.1:5080" });

export async function incidentsInPoland(): Promise<string[]> {
  const { data, error, response } = await api.GET("/v1/events", {
    params: { query: { kind: ["incident"], country: ["PL"], sort: "-date", limit: 5 } },
  });
  if (error) throw new Error(`${response.status} ${error.title}: ${error.detail ?? ""}`);
  const next: string | null = data.nextCursor;
  return data.items.map((e) => `${e.date.start} ${e.title} (level ${e.escalation.level})${next === null ? "" : " …"}`);
}

export async function event(id: string): Promise<EventDetail> {
  const { data, error } = await api.GET("/v1/events/{id}", { params: { path: { id } } });
  if (error) throw new Error(error.title);
  const where = data.location?.place ?? "somewhere";
  const firstQuote = data.quotes[0]?.speaker.name;
  console.log(where, firstQuote, data.retraction?.reason, data.wikidataQid?.toUpperCase());
  return data;
}

export async function exportedSince(from: string): Promise<number> {
  const { data, error } = await api.GET("/v1/timeline", { params: { query: { from, format: "json" } } });
  if (error) throw new Error(error.title);
  // One schema per media type: the body is text for CSV, NDJSON and iCalendar, one of two documents for JSON.
  if (typeof data === "string" || !("generatedAt" in data)) throw new Error("asked for json, got another format");
  const country: string[] | undefined = data.filters.country;
  console.log(data.filters.includeRetracted, country?.join(","));
  return data.count;
}

export async function createEvent(key: string): Promise<string> {
  const body: CreateEventRequest = {
    id: "2022-11-15-przewodow-explosion-example",
    title: "Missile falls on Przewodów, Poland",
    summary: "A missile fell on a farm in the Polish village of Przewodów near the Ukrainian border, killing two people.",
    kind: "incident",
    date: { start: "2022-11-15", precision: "day" },
    escalation: { level: 5, rationale: "A missile killed two people on NATO territory." },
    sources: ["president-of-poland-przewodow-2022"],
  };
  const { data, error, response } = await api.POST("/v1/events", {
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
    headers: { Authorization: `Bearer ${key}` },
    body,
  });
  if (error) throw new Error(`${response.status} ${error.title}`);
  return `${data.id} v${data.version} ${response.headers.get("ETag") ?? ""}`;
}
