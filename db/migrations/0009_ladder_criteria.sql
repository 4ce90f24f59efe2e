-- The ladder measures Russia–NATO escalation, not the intensity of the war. Second edition of the rung
-- criteria (issue 11): each rung says what an event must show to sit on it, so a rationale can name the
-- criterion it meets. Levels and names stay as they are (0–7, checked by the schema); clashes between
-- NATO members' and Russian forces outside NATO territory without an exchange of fire or casualties
-- join rung 4, next to the spill-over they most resemble (see README, "Escalation ladder").

update escalation_levels set
    description = 'Steps that lower Russia–NATO tension or open a path to settlement: talks, proposals, truces and exchanges.',
    examples = 'direct talks, ceasefire or security-guarantee proposals, prisoner exchanges, summits that seek a settlement'
where level = 0;

update escalation_levels set
    description = 'Words that raise tension without changing forces: warnings, threats, accusations, red lines.',
    examples = 'warnings that foreign troops would be targets, "red line" statements, "dirty bomb" accusations'
where level = 1;

update escalation_levels set
    description = 'Changes in posture short of new reach or contact with NATO: doctrine, deployments, exercises, mobilisation, sanctions, alliance decisions and enlargement, weapons tests, and war operations that do not touch NATO territory or forces.',
    examples = 'nuclear doctrine changes, nuclear exercises and weapons tests, deployments near borders, NATO summits and accessions, sanctions, mobilisation'
where level = 2;

update escalation_levels set
    description = 'Decisions or first uses that give a party new reach or striking power.',
    examples = 'long-range missiles or jets supplied, permission to strike inside Russia, first use of a new long-range weapon'
where level = 3;

update escalation_levels set
    description = 'The war or Russian forces physically reach NATO without casualties or damage on its territory: airspace violations, munitions or drones landing on NATO territory, clashes with NATO members'' forces in international airspace or waters without an exchange of fire or casualties, and damage at sea to NATO members'' infrastructure whose author is not established.',
    examples = 'drones or missiles crossing into Poland, Romania or the Baltic states; a Russian jet bringing down a US MQ-9 drone over the Black Sea (March 2023); undersea cables cut in the Baltic'
where level = 4;

update escalation_levels set
    description = 'The war kills people or causes physical damage on NATO territory, including sabotage that the member state attributes to Russian services.',
    examples = 'the missile that killed two people in Przewodów (2022); a drone that wrecked a house roof in Wyryki, Poland (2025); railway sabotage in Poland (2025)'
where level = 5;

update escalation_levels set
    description = 'Armed engagement between NATO members'' and Russian forces: they fire on each other, or one side deliberately destroys a crewed aircraft or ship of the other, or NATO personnel are killed by Russian forces.',
    examples = 'an exchange of fire between NATO and Russian units, the shooting down of a crewed aircraft'
where level = 6;

update escalation_levels set
    description = 'Any use of a nuclear weapon.',
    examples = 'detonation of a nuclear weapon'
where level = 7;
