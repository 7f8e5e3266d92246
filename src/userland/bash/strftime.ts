// glibc's strftime in the C locale, for bash's printf %(fmt)T. The machine has no TZ and no
// /etc/localtime, so local time is UTC, named "UTC". Flags (`-` no padding, `_` spaces, `0`
// zeros, `^` upper case, `#` swapped case) and a field width work as glibc's; an unknown
// conversion is copied as it was written. (The %E and %O modifiers change nothing in C.)

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** ISO 8601 week-based year and week of a date. */
function isoWeek(d: Date): { year: number; week: number } {
  const day = (d.getUTCDay() + 6) % 7;
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3));
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86400000));
  return { year, week };
}

export function strftime(format: string, seconds: number): string {
  const d = new Date(seconds * 1000);
  const yday = Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000);
  let out = '';
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') {
      out += format[i];
      continue;
    }
    const m = /^%([-_0^#]*)([0-9]*)[EO]?(.?)/s.exec(format.slice(i))!;
    const whole = m[0];
    const flags = m[1]!;
    const widthText = m[2]!;
    const conv = m[3]!;
    i += whole.length - 1;
    const width = widthText === '' ? 0 : Number(widthText);
    // The last of `-`, `_` and `0` is how numbers are padded (glibc's `pad`).
    const pad = [...flags].reverse().find((c) => c === '-' || c === '_' || c === '0');
    /** Fills to the field width: zeros with `0`, spaces otherwise. */
    const field = (s: string): string => s.padStart(width, pad === '0' ? '0' : ' ');
    /** A number at least DIGITS wide (or the width), padded with zeros, or spaces for SPACES (%e %k %l) and `_`. */
    const num = (v: number, digits: number, spaces = false): string => {
      const p = spaces && pad !== '0' && pad !== '-' ? '_' : pad;
      const s = String(Math.abs(v));
      const sign = v < 0 ? '-' : '';
      const padding = Math.max(digits, width) - s.length - sign.length;
      if (p === '-' || padding <= 0) return field(sign + s);
      return p === '_' ? ' '.repeat(padding) + sign + s : sign + '0'.repeat(padding) + s;
    };
    /** A word, in upper case with `^`, in HASH's case with `#` (names go up, AM/PM and the zone down). */
    const text = (s: string, hash?: 'upper' | 'lower'): string =>
      field(flags.includes('^') || (hash === 'upper' && flags.includes('#')) ? s.toUpperCase() : hash === 'lower' && flags.includes('#') ? s.toLowerCase() : s);
    const sub = (f: string): string => text(strftime(f, seconds));
    const hour12 = d.getUTCHours() % 12 || 12;
    switch (conv) {
      case 'a': out += text(DAYS[d.getUTCDay()]!.slice(0, 3), 'upper'); break;
      case 'A': out += text(DAYS[d.getUTCDay()]!, 'upper'); break;
      case 'b':
      case 'h': out += text(MONTHS[d.getUTCMonth()]!.slice(0, 3), 'upper'); break;
      case 'B': out += text(MONTHS[d.getUTCMonth()]!, 'upper'); break;
      case 'c': out += sub('%a %b %e %H:%M:%S %Y'); break;
      case 'C': out += num(Math.floor(d.getUTCFullYear() / 100), 2); break;
      case 'd': out += num(d.getUTCDate(), 2); break;
      case 'D': out += sub('%m/%d/%y'); break;
      case 'e': out += num(d.getUTCDate(), 2, true); break;
      case 'F': out += sub('%Y-%m-%d'); break;
      case 'g': out += num(isoWeek(d).year % 100, 2); break;
      case 'G': out += num(isoWeek(d).year, 1); break;
      case 'H': out += num(d.getUTCHours(), 2); break;
      case 'I': out += num(hour12, 2); break;
      case 'j': out += num(yday + 1, 3); break;
      case 'k': out += num(d.getUTCHours(), 2, true); break;
      case 'l': out += num(hour12, 2, true); break;
      case 'm': out += num(d.getUTCMonth() + 1, 2); break;
      case 'M': out += num(d.getUTCMinutes(), 2); break;
      case 'n': out += text('\n'); break;
      case 'p': out += text(d.getUTCHours() < 12 ? 'AM' : 'PM', 'lower'); break;
      case 'P': out += text(d.getUTCHours() < 12 ? 'am' : 'pm'); break;
      case 'r': out += sub('%I:%M:%S %p'); break;
      case 'R': out += sub('%H:%M'); break;
      case 's': out += num(seconds, 1); break;
      case 'S': out += num(d.getUTCSeconds(), 2); break;
      case 't': out += text('\t'); break;
      case 'T':
      case 'X': out += sub('%H:%M:%S'); break;
      case 'u': out += num(d.getUTCDay() || 7, 1); break;
      case 'U': out += num(Math.floor((yday + 7 - d.getUTCDay()) / 7), 2); break;
      case 'V': out += num(isoWeek(d).week, 2); break;
      case 'w': out += num(d.getUTCDay(), 1); break;
      case 'W': out += num(Math.floor((yday + 7 - ((d.getUTCDay() + 6) % 7)) / 7), 2); break;
      case 'x': out += sub('%m/%d/%y'); break;
      case 'y': out += num(d.getUTCFullYear() % 100, 2); break;
      case 'Y': out += num(d.getUTCFullYear(), 1); break;
      case 'z': out += text('+0000'); break;
      case 'Z': out += text('UTC', 'lower'); break;
      case '%': out += text('%'); break;
      default: out += whole;
    }
  }
  return out;
}
