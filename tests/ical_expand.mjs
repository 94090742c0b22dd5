// Expands every VEVENT of an iCalendar file the way Thunderbird does, with ical.js (the library
// Thunderbird's calendar is built on): zones come only from the file's VTIMEZONEs, RRULE and EXDATE
// are expanded by ical.js. Reads the file on stdin; prints JSON lines [summary, start, end] in UTC
// for occurrences starting from argv[2] to argv[3] (ISO dates, UTC).
// Used by tests/test_calendar_timezones.py; install: npm install --prefix tools/ical-check ical.js
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const ICAL = require(process.env.ICAL_JS);
const calendar = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
// Nothing is known about any zone but what the file says.
ICAL.TimezoneService.reset();
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}
const first = new Date(process.argv[2]), last = new Date(process.argv[3]);
const zones = new Set();
for (const component of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(component);
  zones.add(event.startDate.zone.tzid);
  const length = event.endDate.subtractDate(event.startDate);
  const iterator = event.iterator();
  for (let next = iterator.next(); next; next = iterator.next()) {
    const start = next.toJSDate();
    if (start > last) break;
    if (!event.isRecurring() && start < first) break;
    const end = next.clone();
    end.addDuration(length);
    if (start >= first) console.log(JSON.stringify([event.summary, start.toISOString(), end.toJSDate().toISOString()]));
    if (!event.isRecurring()) break;
  }
}
console.log(JSON.stringify(["zones", [...zones]]));
