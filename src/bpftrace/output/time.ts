// time() and strftime() as bpftrace prints them: the C library's strftime (C locale) into a 64-byte
// buffer (STRING_SIZE). time("fmt") formats the wall clock when userspace handles the event;
// strftime("fmt", ns) is resolved from boot time plus the timestamp, with bpftrace's own `%f`
// (microseconds). Which time zone applies is the runtime's business: it hands a broken-down time.

/** C's struct tm, plus what glibc's tm_gmtoff/tm_zone add. */
export interface BrokenDownTime {
  /** Full year (tm_year + 1900). */
  year: number;
  /** 0-11. */
  mon: number;
  /** 1-31. */
  mday: number;
  hour: number;
  min: number;
  sec: number;
  /** 0 = Sunday. */
  wday: number;
  /** 0-365. */
  yday: number;
  /** Seconds east of UTC. */
  gmtoff: number;
  zone: string;
}

/** bpftrace's STRING_SIZE: strftime's buffer, NUL included. */
const STRING_SIZE = 64;

/** The default format of time(), which prints `strftime(fmt, now)` (nothing when that is null). */
export const TIME_DEFAULT_FORMAT = '%H:%M:%S\n';

function daysFromCivil(y: number, m: number, d: number): number {
  // Howard Hinnant's days_from_civil, months 1-12.
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** The broken-down time of `epochSeconds` at `gmtoff` seconds east of UTC (gmtime when 0). */
export function brokenDownTime(epochSeconds: bigint, gmtoff = 0, zone = 'UTC'): BrokenDownTime {
  const local = epochSeconds + BigInt(gmtoff);
  const days = Number(local >= 0n ? local / 86400n : -((-local + 86399n) / 86400n));
  const secs = Number(local - BigInt(days) * 86400n);
  // civil_from_days
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const mday = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp + (mp < 10 ? 3 : -9);
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return {
    year,
    mon: month - 1,
    mday,
    hour: Math.floor(secs / 3600),
    min: Math.floor((secs % 3600) / 60),
    sec: secs % 60,
    wday: (((days + 4) % 7) + 7) % 7,
    yday: days - daysFromCivil(year, 1, 1),
    gmtoff,
    zone,
  };
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** ISO 8601 week-based year and week (for %G, %g, %V): weeks start on Monday, week 1 holds January 4th. */
function isoWeek(tm: BrokenDownTime): { year: number; week: number } {
  const wdayMon = (tm.wday + 6) % 7;
  const jan1 = (((wdayMon - tm.yday) % 7) + 7) % 7;
  const weeksIn = (y: number, jan1Mon: number): number => (jan1Mon === 3 || (isLeap(y) && jan1Mon === 2) ? 53 : 52);
  const week = Math.floor((tm.yday - wdayMon + 10) / 7);
  if (week < 1) {
    const prevJan1 = (((jan1 - (isLeap(tm.year - 1) ? 366 : 365)) % 7) + 7) % 7;
    return { year: tm.year - 1, week: weeksIn(tm.year - 1, prevJan1) };
  }
  if (week > weeksIn(tm.year, jan1)) return { year: tm.year + 1, week: 1 };
  return { year: tm.year, week };
}

/**
 * C strftime in the C locale, with glibc's flags (`-` no padding, `_` spaces, `0` zeros, `^`
 * upper case), a field width, and the E/O modifiers ignored. An unknown conversion is copied
 * as written. Returns null where strftime returns 0: an empty result or one that does not fit
 * 64 bytes with its NUL.
 */
export function strftime(fmt: string, tm: BrokenDownTime): string | null {
  let out = '';
  const re = /%([-_0^#]*)([0-9]*)([EO]?)(.)/y;
  let i = 0;
  while (i < fmt.length) {
    const pct = fmt.indexOf('%', i);
    if (pct === -1) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    re.lastIndex = pct;
    const m = re.exec(fmt);
    if (!m) {
      out += fmt.slice(pct);
      break;
    }
    i = re.lastIndex;
    out += conversion(m[0], m[1]!, m[2] ? Number(m[2]) : undefined, m[4]!, tm);
  }
  return out.length === 0 || out.length >= STRING_SIZE ? null : out;
}

function conversion(text: string, flags: string, width: number | undefined, c: string, tm: BrokenDownTime): string {
  // glibc keeps the last of `_ - 0 +` as the pad, and `^`/`#` as case changes.
  const pad = [...flags].filter((f) => '_-0+'.includes(f)).pop() ?? '';
  const upcase = flags.includes('^');
  const changeCase = flags.includes('#');
  // Every conversion's text is padded to the width, with zeros only under `0` or `+`.
  const add = (s: string): string =>
    width !== undefined && s.length < width ? s.padStart(width, pad === '0' || pad === '+' ? '0' : ' ') : s;
  const num = (v: number, digits: number, spacePad = false): string => {
    const p = spacePad && pad !== '0' && pad !== '-' ? '_' : pad;
    const d = Math.max(digits, width ?? 0);
    let s = Math.abs(v).toString();
    if (p !== '-') s = s.padStart(d - (v < 0 ? 1 : 0), p === '_' ? ' ' : '0');
    return add((v < 0 ? '-' : '') + s);
  };
  /** Names: `^` and `#` upper-case them. */
  const name = (s: string): string => add(upcase || changeCase ? s.toUpperCase() : s);
  /** Other text: `^` upper-cases it; `lower` wins over it (`%P`, `%#p`, `%#Z`). */
  const str = (s: string, lower = false): string => add(lower ? s.toLowerCase() : upcase ? s.toUpperCase() : s);
  const hour12 = tm.hour % 12 === 0 ? 12 : tm.hour % 12;
  const sub = (f: string): string => strftimeUnbounded(f, tm);
  switch (c) {
    case 'a':
      return name(DAYS[tm.wday]!.slice(0, 3));
    case 'A':
      return name(DAYS[tm.wday]!);
    case 'b':
    case 'h':
      return name(MONTHS[tm.mon]!.slice(0, 3));
    case 'B':
      return name(MONTHS[tm.mon]!);
    case 'c':
      return str(sub('%a %b %e %H:%M:%S %Y'));
    case 'C':
      return num(Math.floor(tm.year / 100), 2);
    case 'd':
      return num(tm.mday, 2);
    case 'D':
      return str(sub('%m/%d/%y'));
    case 'e':
      return num(tm.mday, 2, true);
    case 'F':
      return str(sub('%Y-%m-%d'));
    case 'G':
      return num(isoWeek(tm).year, 1);
    case 'g':
      return num(((isoWeek(tm).year % 100) + 100) % 100, 2);
    case 'H':
      return num(tm.hour, 2);
    case 'I':
      return num(hour12, 2);
    case 'j':
      return num(tm.yday + 1, 3);
    case 'k':
      return num(tm.hour, 2, true);
    case 'l':
      return num(hour12, 2, true);
    case 'm':
      return num(tm.mon + 1, 2);
    case 'M':
      return num(tm.min, 2);
    case 'n':
      return add('\n');
    case 'p':
      return str(tm.hour < 12 ? 'AM' : 'PM', changeCase);
    case 'P':
      return str(tm.hour < 12 ? 'am' : 'pm', true);
    case 'r':
      return str(sub('%I:%M:%S %p'));
    case 'R':
      return str(sub('%H:%M'));
    case 's': {
      const epoch = daysFromCivil(tm.year, tm.mon + 1, tm.mday) * 86400 + tm.hour * 3600 + tm.min * 60 + tm.sec - tm.gmtoff;
      // glibc pads %s only to the width, with spaces unless `0`.
      return add(epoch.toString());
    }
    case 'S':
      return num(tm.sec, 2);
    case 't':
      return add('\t');
    case 'T':
      return str(sub('%H:%M:%S'));
    case 'u':
      return num(tm.wday === 0 ? 7 : tm.wday, 1);
    case 'U':
      return num(Math.floor((tm.yday + 7 - tm.wday) / 7), 2);
    case 'V':
      return num(isoWeek(tm).week, 2);
    case 'w':
      return num(tm.wday, 1);
    case 'W':
      return num(Math.floor((tm.yday + 7 - ((tm.wday + 6) % 7)) / 7), 2);
    case 'x':
      return str(sub('%m/%d/%y'));
    case 'X':
      return str(sub('%H:%M:%S'));
    case 'y':
      return num(tm.year % 100, 2);
    case 'Y':
      return num(tm.year, 1);
    case 'z': {
      const off = Math.abs(tm.gmtoff);
      const hhmm = Math.floor(off / 3600) * 100 + Math.floor((off % 3600) / 60);
      return (tm.gmtoff < 0 ? '-' : '+') + num(hhmm, 4).replace(/^-/, '');
    }
    case 'Z':
      return str(tm.zone, changeCase);
    case '%':
      return add('%');
    default:
      return add(text);
  }
}

function strftimeUnbounded(fmt: string, tm: BrokenDownTime): string {
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    if (fmt[i] === '%' && i + 1 < fmt.length) {
      out += conversion(`%${fmt[i + 1]}`, '', undefined, fmt[i + 1]!, tm);
      i++;
    } else out += fmt[i];
  }
  return out;
}

/** The boot time bpftrace computes once (CLOCK_REALTIME minus CLOCK_BOOTTIME). */
export interface BootTime {
  sec: bigint;
  nsec: bigint;
}

/**
 * strftime(fmt, ns)'s text (bpftrace's resolve_timestamp): seconds from boot time plus the
 * timestamp, `%f` replaced by its microseconds first (everywhere, even after `%`), "(?)" when
 * strftime fails. `toTm` turns epoch seconds into the runtime's local time.
 */
export function resolveTimestamp(
  fmt: string,
  boot: BootTime,
  nsecsSinceBoot: bigint,
  toTm: (epochSeconds: bigint) => BrokenDownTime,
): string {
  const nanos = BigInt.asUintN(64, boot.nsec + nsecsSinceBoot);
  // bpftrace adds `(tv_nsec + ns) / 1e9` as a double to the seconds, then truncates to time_t.
  const seconds = BigInt(Math.trunc(Number(boot.sec) + Number(nanos) / 1e9));
  const us = (nanos % 1000000000n) / 1000n;
  const withMicros = fmt.replace(/%f/g, us.toString().padStart(6, '0'));
  return strftime(withMicros, toTm(seconds)) ?? '(?)';
}
