// Candle-lighting times from @hebcal/core, the independent reference the sunset tests compare against.
// Usage: node tools/candle-lighting.mjs YEAR ZONE:LAT:LON...   One line per event: ZONE yyyy-MM-dd ISO-8601-UTC.
// Plain locations (no city name) and 18 minutes before sunset everywhere, so Jerusalem's 40 is the caller's rule.
// Only candle lighting before sunset is printed: on a rest day's evening (the first day of a two-day Yom Tov, or
// Saturday night before Yom Tov) candles are lit after nightfall, and no send time depends on that.
import { HebrewCalendar, HDate, Location, flags } from "@hebcal/core";

const [year, ...places] = process.argv.slice(2);
if (!year || places.length === 0) {
  console.error("usage: node tools/candle-lighting.mjs YEAR ZONE:LAT:LON...");
  process.exit(2);
}

for (const place of places) {
  const [zone, lat, lon] = place.split(":");
  const location = new Location(Number(lat), Number(lon), false, zone);
  const events = HebrewCalendar.calendar({
    start: new Date(Number(year), 0, 1),
    end: new Date(Number(year), 11, 31),
    location,
    candlelighting: true,
    candleLightingMins: 18,
  });
  for (const event of events) {
    if (event.getDesc() === "Candle lighting" && event.eventTime) {
      const date = event.getDate().greg();
      const yomTov = HebrewCalendar.getHolidaysOnDate(new HDate(date), location.getIsrael())?.some((h) => h.getFlags() & flags.CHAG);
      if (date.getDay() === 6 || (yomTov && date.getDay() !== 5)) {
        continue;
      }
      const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
      console.log(`${zone} ${day} ${event.eventTime.toISOString()}`);
    }
  }
}
