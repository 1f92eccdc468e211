import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isScalar, parseDocument } from 'yaml';
import { CONFIG_TYPES, coerceValue, describeType, parseDuration, type Coerced, type TypeSpec } from '../../../src/core/config/coerce.js';

const STRING: TypeSpec = { type: 'string' };
const INT: TypeSpec = { type: 'int' };
const NUMBER: TypeSpec = { type: 'number' };
const BOOLEAN: TypeSpec = { type: 'boolean' };
const PORT: TypeSpec = { type: 'port' };
const HOST: TypeSpec = { type: 'host' };
const URL_: TypeSpec = { type: 'url' };
const DURATION: TypeSpec = { type: 'duration' };
const LOG_LEVEL: TypeSpec = { type: 'enum', values: ['debug', 'info', 'warn'] };
const JSON_: TypeSpec = { type: 'json' };

/** Every failure any test produced, for the message-style checks at the end. */
const failures: Array<{ input: string; message: string }> = [];

function record(result: Coerced, input: string): Coerced {
  if (!result.ok) failures.push({ input, message: result.message });
  return result;
}

/** A value written in a real YAML file as `KEY: <source>`, read the way the manifest reader does. */
function yaml(spec: TypeSpec, source: string): Coerced {
  const doc = parseDocument(`KEY: ${source}\n`);
  const node = doc.get('KEY', true);
  const sourceText = isScalar(node) && node.type === 'PLAIN' ? node.source : undefined;
  const raw = (doc.toJS() as Record<string, unknown>).KEY;
  return record(coerceValue(spec, raw, 'yaml', sourceText), `yaml ${source}`);
}

/** A value from a dotenv file or a deployment variable. */
function text(spec: TypeSpec, value: string): Coerced {
  return record(coerceValue(spec, value, 'text'), `text ${JSON.stringify(value)}`);
}

/** A YAML value handed over without its source text (e.g. a resource value it was bound to). */
function yamlValue(spec: TypeSpec, value: unknown): Coerced {
  return record(coerceValue(spec, value, 'yaml'), `yaml value ${String(value)}`);
}

function accepts(result: Coerced, value: unknown, output: string): void {
  assert.deepEqual(result, { ok: true, value, text: output });
}

function rejects(result: Coerced, message: string, hint?: string): void {
  assert.deepEqual(result, hint === undefined ? { ok: false, message } : { ok: false, message, hint });
}

function messageOf(result: Coerced): string {
  assert.equal(result.ok, false, `expected a rejection, got ${JSON.stringify(result)}`);
  return (result as { message: string }).message;
}

describe('string', () => {
  test('passes text through exactly, whitespace included', () => {
    accepts(text(STRING, '  padded value '), '  padded value ', '  padded value ');
    accepts(text(STRING, ''), '', '');
    accepts(text(STRING, '1.10'), '1.10', '1.10');
  });

  test('keeps a YAML string as written', () => {
    accepts(yaml(STRING, 'hello world'), 'hello world', 'hello world');
    accepts(yaml(STRING, '"1.10"'), '1.10', '1.10');
    accepts(yaml(STRING, "''"), '', '');
  });

  test('accepts a YAML number or boolean whose text survives the round trip', () => {
    accepts(yaml(STRING, '123'), '123', '123');
    accepts(yaml(STRING, '-7'), '-7', '-7');
    accepts(yaml(STRING, '1.5'), '1.5', '1.5');
    accepts(yaml(STRING, 'true'), 'true', 'true');
    accepts(yaml(STRING, 'false'), 'false', 'false');
  });

  test('explains that YAML reads 1.10 as the number 1.1', () => {
    rejects(yaml(STRING, '1.10'), 'YAML reads 1.10 as the number 1.1, not the string "1.10"', 'quote it: "1.10"');
  });

  test('explains that YAML reads 0o17 as the octal number 15', () => {
    rejects(yaml(STRING, '0o17'), 'YAML reads 0o17 as the number 15, not the string "0o17"', 'quote it: "0o17"');
  });

  test('explains that YAML reads 1e3 as the number 1000', () => {
    rejects(yaml(STRING, '1e3'), 'YAML reads 1e3 as the number 1000, not the string "1e3"', 'quote it: "1e3"');
  });

  test('explains that YAML reads True as the boolean true', () => {
    rejects(yaml(STRING, 'True'), 'YAML reads True as the boolean true, not the string "True"', 'quote it: "True"');
  });

  test('treats yes as a plain string, since YAML 1.2 has no yes/no booleans', () => {
    accepts(yaml(STRING, 'yes'), 'yes', 'yes');
    accepts(yaml(STRING, 'off'), 'off', 'off');
  });

  test('stringifies a YAML number when its source text is unknown', () => {
    accepts(yamlValue(STRING, 1.1), '1.1', '1.1');
    accepts(yamlValue(STRING, 5432), '5432', '5432');
    accepts(yamlValue(STRING, false), 'false', 'false');
  });

  test('rejects YAML null, saying how it was written and how to give an empty string', () => {
    const hint = "give a value, or quote '' for an empty string";
    rejects(yaml(STRING, ''), 'an empty value is null in YAML, not a string', hint);
    rejects(yaml(STRING, '~'), 'YAML reads ~ as null, not a string', hint);
    rejects(yaml(STRING, 'null'), 'null is not a string', hint);
    rejects(yamlValue(STRING, null), 'null is not a string', hint);
  });

  test('rejects maps and lists', () => {
    rejects(yaml(STRING, '{ a: 1 }'), 'a map is not a string');
    rejects(yaml(STRING, '[1, 2]'), 'a list is not a string');
  });
});

describe('int', () => {
  test('parses signed decimal integers from text, written back canonically', () => {
    accepts(text(INT, '42'), 42, '42');
    accepts(text(INT, '-7'), -7, '-7');
    accepts(text(INT, '+5'), 5, '5');
    accepts(text(INT, '007'), 7, '7');
    accepts(text(INT, '-0'), 0, '0');
  });

  test('rejects text that is not an integer, naming the value', () => {
    rejects(text(INT, '12ab'), '"12ab" is not an integer');
    rejects(text(INT, '1.5'), '"1.5" is not an integer');
    rejects(text(INT, '0x10'), '"0x10" is not an integer');
    rejects(text(INT, '1_000'), '"1_000" is not an integer');
  });

  test('suggests the integer a whole number in other notation means', () => {
    rejects(text(INT, '1e3'), '"1e3" is not an integer', 'write 1000');
    rejects(text(INT, '2.0'), '"2.0" is not an integer', 'write 2');
  });

  test('rejects integers too large to hold exactly', () => {
    assert.equal(messageOf(text(INT, '99999999999999999999')), '99999999999999999999 is out of range for an integer');
    accepts(text(INT, '9007199254740991'), 9007199254740991, '9007199254740991');
  });

  test('says when text has surrounding whitespace, and what to write instead', () => {
    rejects(text(INT, ' 12'), '" 12" is not an integer: it has leading whitespace', 'remove the whitespace: 12');
    rejects(text(INT, '12\r'), '"12\\r" is not an integer: it has trailing whitespace', 'remove the whitespace: 12');
    rejects(text(INT, ' 12 '), '" 12 " is not an integer: it has leading and trailing whitespace', 'remove the whitespace: 12');
    rejects(text(INT, ' x'), '" x" is not an integer: it has leading whitespace', 'remove the whitespace');
  });

  test('rejects empty and blank text', () => {
    rejects(text(INT, ''), '"" is not an integer: it is empty', 'give a value');
    rejects(text(INT, '   '), '"   " is not an integer: it is only whitespace', 'give a value');
  });

  test('accepts a YAML integer in any notation YAML reads as one', () => {
    accepts(yaml(INT, '42'), 42, '42');
    accepts(yaml(INT, '0o17'), 15, '15');
    accepts(yaml(INT, '1e3'), 1000, '1000');
  });

  test('rejects a YAML float, boolean or non-numeric string', () => {
    rejects(yaml(INT, '1.5'), '1.5 is not an integer');
    rejects(yaml(INT, 'true'), 'true is a boolean, not an integer');
    rejects(yaml(INT, 'abc'), '"abc" is not an integer');
    rejects(yaml(INT, ''), 'an empty value is null in YAML, not an integer', 'give a value');
  });

  test('reads a quoted YAML string as text, exactly as a dotenv value', () => {
    accepts(yaml(INT, '"42"'), 42, '42');
    accepts(yaml(INT, "'007'"), 7, '7');
    rejects(yaml(INT, '"1.5"'), '"1.5" is not an integer');
    rejects(yaml(INT, '" 42"'), '" 42" is not an integer: it has leading whitespace', 'remove the whitespace: 42');
    rejects(yaml(INT, '""'), '"" is not an integer: it is empty', 'give a value');
  });
});

describe('number', () => {
  test('parses decimal and exponent notation from text', () => {
    accepts(text(NUMBER, '1.5'), 1.5, '1.5');
    accepts(text(NUMBER, '-2e3'), -2000, '-2000');
    accepts(text(NUMBER, '.5'), 0.5, '0.5');
    accepts(text(NUMBER, '1.50'), 1.5, '1.5');
    accepts(text(NUMBER, '7'), 7, '7');
  });

  test('rejects text that is not a finite decimal number', () => {
    rejects(text(NUMBER, '0x10'), '"0x10" is not a number');
    rejects(text(NUMBER, '1,5'), '"1,5" is not a number');
    rejects(text(NUMBER, 'Infinity'), '"Infinity" is not a number');
    rejects(text(NUMBER, 'NaN'), '"NaN" is not a number');
    rejects(text(NUMBER, '1e999'), '1e999 is out of range for a number');
    rejects(text(NUMBER, '1.5 '), '"1.5 " is not a number: it has trailing whitespace', 'remove the whitespace: 1.5');
  });

  test('accepts a finite YAML number and rejects .inf and .nan', () => {
    accepts(yaml(NUMBER, '1.10'), 1.1, '1.1');
    accepts(yaml(NUMBER, '-3'), -3, '-3');
    rejects(yaml(NUMBER, '.inf'), '.inf is not a finite number');
    rejects(yaml(NUMBER, '.nan'), '.nan is not a finite number');
  });

  test('reads a quoted YAML number as text, exactly as a dotenv value', () => {
    accepts(yaml(NUMBER, "'2.50'"), 2.5, '2.5');
    accepts(yaml(NUMBER, '"-2e3"'), -2000, '-2000');
    rejects(yaml(NUMBER, '"1,5"'), '"1,5" is not a number');
  });
});

describe('boolean', () => {
  test('reads true/false in any case and 1/0 from text', () => {
    accepts(text(BOOLEAN, 'true'), true, 'true');
    accepts(text(BOOLEAN, 'TRUE'), true, 'true');
    accepts(text(BOOLEAN, 'False'), false, 'false');
    accepts(text(BOOLEAN, '1'), true, 'true');
    accepts(text(BOOLEAN, '0'), false, 'false');
  });

  test('rejects other words, suggesting the boolean they mean', () => {
    rejects(text(BOOLEAN, 'yes'), '"yes" is not a boolean (true or false)', 'write true');
    rejects(text(BOOLEAN, 'off'), '"off" is not a boolean (true or false)', 'write false');
    rejects(text(BOOLEAN, '2'), '"2" is not a boolean (true or false)', 'write true or false (or 1 or 0)');
    rejects(text(BOOLEAN, 'true '), '"true " is not a boolean (true or false): it has trailing whitespace', 'remove the whitespace: true');
  });

  test('accepts YAML booleans', () => {
    accepts(yaml(BOOLEAN, 'true'), true, 'true');
    accepts(yaml(BOOLEAN, 'false'), false, 'false');
  });

  test('rejects YAML yes (a string in YAML 1.2) and numbers', () => {
    rejects(yaml(BOOLEAN, 'yes'), '"yes" is not a boolean (true or false)', 'write true');
    rejects(yaml(BOOLEAN, '1'), '1 is a number, not a boolean (true or false)', 'write true');
  });

  test('reads a quoted YAML boolean as text, exactly as a dotenv value', () => {
    accepts(yaml(BOOLEAN, '"true"'), true, 'true');
    accepts(yaml(BOOLEAN, "'FALSE'"), false, 'false');
    accepts(yaml(BOOLEAN, '"1"'), true, 'true');
    accepts(yaml(BOOLEAN, '"0"'), false, 'false');
    rejects(yaml(BOOLEAN, '"off"'), '"off" is not a boolean (true or false)', 'write false');
  });
});

describe('port', () => {
  test('accepts 1 and 65535 and rejects 0 and 65536, from text', () => {
    accepts(text(PORT, '1'), 1, '1');
    accepts(text(PORT, '65535'), 65535, '65535');
    rejects(text(PORT, '0'), '0 is out of range for a port (1-65535)');
    rejects(text(PORT, '65536'), '65536 is out of range for a port (1-65535)');
    rejects(text(PORT, '70000'), '70000 is out of range for a port (1-65535)');
    rejects(text(PORT, '-1'), '-1 is out of range for a port (1-65535)');
  });

  test('accepts 1 and 65535 and rejects 0 and 65536, from YAML', () => {
    accepts(yaml(PORT, '1'), 1, '1');
    accepts(yaml(PORT, '65535'), 65535, '65535');
    rejects(yaml(PORT, '0'), '0 is out of range for a port (1-65535)');
    rejects(yaml(PORT, '65536'), '65536 is out of range for a port (1-65535)');
  });

  test('rejects text that is not a whole number', () => {
    rejects(text(PORT, 'http'), '"http" is not a port (1-65535)');
    rejects(text(PORT, '8080.0'), '"8080.0" is not a port (1-65535)');
    rejects(text(PORT, ' 8080'), '" 8080" is not a port (1-65535): it has leading whitespace', 'remove the whitespace: 8080');
    rejects(yaml(PORT, '80.5'), '80.5 is not a port (1-65535)');
  });

  test('suggests the port alone when given host:port', () => {
    rejects(text(PORT, 'db:5432'), '"db:5432" is not a port (1-65535)', 'give only the port: 5432');
  });

  test('reads a quoted YAML port as text, exactly as a dotenv value', () => {
    accepts(yaml(PORT, '"8080"'), 8080, '8080');
    accepts(yaml(PORT, "'65535'"), 65535, '65535');
    rejects(yaml(PORT, '"0"'), '0 is out of range for a port (1-65535)');
    rejects(yaml(PORT, '"db:5432"'), '"db:5432" is not a port (1-65535)', 'give only the port: 5432');
  });

  test('still rejects a quoted YAML value that is not a port, with the text message', () => {
    rejects(yaml(PORT, '"80a"'), '"80a" is not a port (1-65535)');
    rejects(text(PORT, '80a'), '"80a" is not a port (1-65535)');
  });
});

describe('host', () => {
  test('accepts RFC 1123 hostnames, kept as written', () => {
    for (const host of ['localhost', 'db', 'orders-db.internal', 'DB.Example.COM', '1password.com', 'a.b-c.d9']) {
      accepts(text(HOST, host), host, host);
    }
  });

  test('accepts a fully qualified hostname with a trailing dot, but not two', () => {
    accepts(text(HOST, 'db.example.com.'), 'db.example.com.', 'db.example.com.');
    rejects(text(HOST, 'db.example.com..'), '"db.example.com.." is not a host: it has an empty label (two dots in a row, or a leading dot)');
  });

  test('accepts IPv4 and IPv6 addresses', () => {
    for (const host of ['10.0.0.1', '127.0.0.1', '::1', '2001:db8::8a2e:370:7334', '::ffff:10.0.0.1']) {
      accepts(text(HOST, host), host, host);
    }
    accepts(yaml(HOST, '10.0.0.1'), '10.0.0.1', '10.0.0.1');
  });

  test('rejects a URL, naming the host inside it', () => {
    rejects(text(HOST, 'postgres://db:5432'), '"postgres://db:5432" is not a host: a host has no scheme (did you mean db?)');
    rejects(text(HOST, 'http://[::1]:8080/'), '"http://[::1]:8080/" is not a host: a host has no scheme (did you mean ::1?)');
  });

  test('rejects a port or a path after the host', () => {
    rejects(text(HOST, 'db:5432'), '"db:5432" is not a host: a host has no port (did you mean db?)');
    rejects(text(HOST, '10.0.0.1:80'), '"10.0.0.1:80" is not a host: a host has no port (did you mean 10.0.0.1?)');
    rejects(text(HOST, 'db/orders'), '"db/orders" is not a host: a host has no path (did you mean db?)');
    rejects(text(HOST, 'db:5432/orders'), '"db:5432/orders" is not a host: a host has no path (did you mean db?)');
  });

  test('rejects an IPv6 address in brackets', () => {
    rejects(text(HOST, '[::1]'), '"[::1]" is not a host: an IPv6 address is written without brackets (did you mean ::1?)');
    rejects(text(HOST, '[::1]:5432'), '"[::1]:5432" is not a host: a host has no port (did you mean ::1?)');
  });

  test('rejects malformed addresses', () => {
    rejects(text(HOST, '256.1.1.1'), '"256.1.1.1" is not a host: it is not a valid IPv4 address');
    rejects(text(HOST, '1.2.3'), '"1.2.3" is not a host: it is not a valid IPv4 address');
    rejects(text(HOST, '1::2::3'), '"1::2::3" is not a host: it is not a valid IPv6 address');
  });

  test('accepts underscores, as in Docker Compose service names', () => {
    accepts(text(HOST, 'my_db'), 'my_db', 'my_db');
    accepts(yaml(HOST, 'my_db'), 'my_db', 'my_db');
    accepts(text(HOST, 'orders_db.internal'), 'orders_db.internal', 'orders_db.internal');
    rejects(text(HOST, 'my_db:5432'), '"my_db:5432" is not a host: a host has no port (did you mean my_db?)');
    rejects(text(HOST, '-my_db'), '"-my_db" is not a host: the label "-my_db" starts with a hyphen');
  });

  test('rejects hostnames that break RFC 1123', () => {
    rejects(text(HOST, 'my@db'), '"my@db" is not a host: "@" is not allowed in a hostname (only letters, digits, hyphens, underscores and dots)');
    rejects(text(HOST, 'a..b'), '"a..b" is not a host: it has an empty label (two dots in a row, or a leading dot)');
    rejects(text(HOST, '-db'), '"-db" is not a host: the label "-db" starts with a hyphen');
    rejects(text(HOST, 'db-.x'), '"db-.x" is not a host: the label "db-" ends with a hyphen');
    rejects(text(HOST, 'db.123'), '"db.123" is not a host: its last label "123" is all digits');
    const longLabel = 'a'.repeat(64);
    assert.equal(
      messageOf(text(HOST, `${longLabel}.com`)),
      `"${longLabel}.com" is not a host: the label "${longLabel}" is 64 characters long, and a label has at most 63`,
    );
    accepts(text(HOST, `${'a'.repeat(63)}.com`), `${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`);
    const longName = Array.from({ length: 4 }, () => 'a'.repeat(63)).join('.');
    assert.match(messageOf(text(HOST, longName)), /is not a host: it is 255 characters long, and a hostname has at most 253$/);
  });

  test('rejects whitespace, empty text and YAML numbers', () => {
    rejects(text(HOST, 'db '), '"db " is not a host: it has trailing whitespace', 'remove the whitespace: db');
    rejects(text(HOST, 'my db'), '"my db" is not a host: " " is not allowed in a hostname (only letters, digits, hyphens, underscores and dots)');
    rejects(text(HOST, ''), '"" is not a host: it is empty', 'give a value');
    rejects(yaml(HOST, '10'), '10 is a number, not a host');
  });
});

describe('url', () => {
  test('accepts absolute URLs of any scheme, passing the text through unchanged', () => {
    for (const url of [
      'https://example.com',
      'http://localhost:8080/health?x=1',
      'postgres://app:secret@db:5432/orders',
      'redis://cache:6379/0',
      'http://[::1]:8080/',
    ]) {
      accepts(text(URL_, url), url, url);
    }
    accepts(yaml(URL_, 'https://payments.internal/v1'), 'https://payments.internal/v1', 'https://payments.internal/v1');
  });

  test('rejects host:port and bare paths as having no scheme', () => {
    rejects(text(URL_, 'localhost:8080'), '"localhost:8080" is not a URL: it has no scheme (e.g. http://localhost:8080)');
    rejects(text(URL_, 'example.com/api'), '"example.com/api" is not a URL: it has no scheme (e.g. http://example.com/api)');
    rejects(text(URL_, '/api'), '"/api" is not a URL: it has no scheme');
  });

  test('rejects URLs the WHATWG parser refuses, saying why when it can', () => {
    rejects(text(URL_, 'http://'), '"http://" is not a URL: it has no host');
    rejects(text(URL_, 'http://db:99999'), '"http://db:99999" is not a valid URL: port 99999 is out of range (0-65535)');
    rejects(text(URL_, 'http://exa mple.com'), '"http://exa mple.com" is not a valid URL: it contains whitespace');
  });

  test('rejects whitespace, empty text and non-strings', () => {
    rejects(text(URL_, ' https://example.com'), '" https://example.com" is not a URL: it has leading whitespace', 'remove the whitespace: https://example.com');
    rejects(text(URL_, ''), '"" is not a URL: it is empty', 'give a value');
    rejects(yaml(URL_, 'true'), 'true is a boolean, not a URL');
  });
});

describe('duration', () => {
  test('reads ms, s, m and h into milliseconds', () => {
    accepts(text(DURATION, '250ms'), 250, '250ms');
    accepts(text(DURATION, '5s'), 5000, '5s');
    accepts(text(DURATION, '2m'), 120_000, '2m');
    accepts(text(DURATION, '1h'), 3_600_000, '1h');
    accepts(text(DURATION, '0s'), 0, '0s');
    accepts(yaml(DURATION, '2s'), 2000, '2s');
  });

  test('reads compounds and decimals exactly', () => {
    accepts(text(DURATION, '1m30s'), 90_000, '1m30s');
    accepts(text(DURATION, '1h30m15s500ms'), 5_415_500, '1h30m15s500ms');
    accepts(text(DURATION, '1.5s'), 1500, '1.5s');
    accepts(text(DURATION, '1.1h'), 3_960_000, '1.1h');
  });

  test('normalizes the numbers in the text the service receives', () => {
    accepts(text(DURATION, '05s'), 5000, '5s');
    accepts(text(DURATION, '1.50s'), 1500, '1.5s');
    accepts(text(DURATION, '2.0m'), 120_000, '2m');
  });

  test('rejects a bare number, suggesting units', () => {
    rejects(text(DURATION, '5'), '"5" has no unit: write 5s or 5ms');
    rejects(yaml(DURATION, '5'), '5 has no unit: write 5s or 5ms');
    rejects(yaml(DURATION, '1.5'), '1.5 has no unit: write 1.5s or 1.5ms');
  });

  test('rejects a number without a unit inside a compound, suggesting the next unit down', () => {
    rejects(text(DURATION, '1m30'), '"1m30" is not a duration: 30 has no unit', 'write 1m30s');
    rejects(text(DURATION, '1h30'), '"1h30" is not a duration: 30 has no unit', 'write 1h30m');
  });

  test('rejects negative durations', () => {
    rejects(text(DURATION, '-5s'), '"-5s" is not a duration: durations cannot be negative');
    rejects(yaml(DURATION, '-5'), '-5 is not a duration: durations cannot be negative');
  });

  test('rejects unknown units, suggesting the known unit they mean', () => {
    rejects(text(DURATION, '5min'), '"5min" is not a duration: "min" is not a unit (use ms, s, m or h)', 'write 5m');
    rejects(text(DURATION, '2d'), '"2d" is not a duration: "d" is not a unit (use ms, s, m or h)', 'write 48h');
    rejects(text(DURATION, '5S'), '"5S" is not a duration: "S" is not a unit (use ms, s, m or h)', 'write 5s');
    rejects(text(DURATION, '5us'), '"5us" is not a duration: "us" is not a unit (use ms, s, m or h)');
  });

  test('rejects whitespace inside or around a duration', () => {
    rejects(text(DURATION, '1m 30s'), '"1m 30s" is not a duration: it contains whitespace', 'write 1m30s');
    rejects(text(DURATION, '5s '), '"5s " is not a duration: it has trailing whitespace', 'remove the whitespace: 5s');
  });

  test('rejects text that is no duration at all, with examples', () => {
    rejects(text(DURATION, 'soon'), '"soon" is not a duration (like 250ms, 5s, 1m30s)');
    rejects(text(DURATION, '+5s'), '"+5s" is not a duration (like 250ms, 5s, 1m30s)');
    rejects(yaml(DURATION, 'true'), 'true is a boolean, not a duration');
  });

  test('parseDuration returns milliseconds, or undefined for anything invalid', () => {
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('0.5ms'), 0.5);
    for (const bad of ['', '5', '-5s', ' 5s', '5 s', '5min', 'ms', '1.s', '99999999999999999h']) {
      assert.equal(parseDuration(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('enum', () => {
  test('accepts an allowed value exactly', () => {
    accepts(text(LOG_LEVEL, 'info'), 'info', 'info');
    accepts(yaml(LOG_LEVEL, 'warn'), 'warn', 'warn');
  });

  test('rejects other values, listing the allowed ones', () => {
    const result = text(LOG_LEVEL, 'verbose');
    rejects(result, '"verbose" is not one of debug, info, warn');
  });

  test('suggests an allowed value that differs only in case', () => {
    rejects(text(LOG_LEVEL, 'INFO'), '"INFO" is not one of debug, info, warn', 'did you mean "info"?');
  });

  test('suggests an allowed value within a third of the input length in edits (at least 1), but no further', () => {
    rejects(yaml(LOG_LEVEL, 'inf'), '"inf" is not one of debug, info, warn', 'did you mean "info"?');
    rejects(text(LOG_LEVEL, 'debgu'), '"debgu" is not one of debug, info, warn', 'did you mean "debug"?');
    rejects(text(LOG_LEVEL, 'dbg'), '"dbg" is not one of debug, info, warn');
    rejects(text(LOG_LEVEL, 'warning'), '"warning" is not one of debug, info, warn');
  });

  test('suggests nothing far-fetched for one- and two-character values, only a change of case', () => {
    rejects(text({ type: 'enum', values: ['on', 'auto'] }, 'no'), '"no" is not one of on, auto');
    rejects(text({ type: 'enum', values: ['1', '2'] }, '7'), '"7" is not one of 1, 2');
    rejects(text({ type: 'enum', values: ['on', 'auto'] }, 'ON'), '"ON" is not one of on, auto', 'did you mean "on"?');
    rejects(text({ type: 'enum', values: ['on', 'auto'] }, 'xyz'), '"xyz" is not one of on, auto');
  });

  test('compares YAML numbers and booleans as strings, returning the declared value', () => {
    accepts(yaml({ type: 'enum', values: [1, 2, 3] }, '2'), 2, '2');
    accepts(text({ type: 'enum', values: [1, 2, 3] }, '2'), 2, '2');
    accepts(yaml({ type: 'enum', values: ['true', 'false'] }, 'true'), 'true', 'true');
    rejects(yaml({ type: 'enum', values: [1, 2, 3] }, '7'), '7 is not one of 1, 2, 3');
    rejects(yaml({ type: 'enum', values: [1, 2, 3] }, '70'), '70 is not one of 1, 2, 3');
  });

  test('explains the YAML trap when the written text is allowed but the value YAML read is not', () => {
    rejects(yaml({ type: 'enum', values: ['1.10', '1.9'] }, '1.10'), 'YAML reads 1.10 as the number 1.1, not the string "1.10"', 'quote it: "1.10"');
  });

  test('rejects whitespace around an allowed value', () => {
    rejects(text(LOG_LEVEL, ' info'), '" info" is not one of debug, info, warn: it has leading whitespace', 'remove the whitespace: info');
  });

  test('accepts an empty string only when it is allowed', () => {
    accepts(text({ type: 'enum', values: ['', 'x'] }, ''), '', '');
    rejects(text(LOG_LEVEL, ''), '"" is not one of debug, info, warn: it is empty', 'give one of debug, info, warn');
  });

  test('rejects null with the allowed values as the hint', () => {
    rejects(yaml(LOG_LEVEL, ''), 'an empty value is null in YAML, not one of debug, info, warn', 'give one of debug, info, warn');
  });

  test('rejects every value when the enum declares none', () => {
    rejects(text({ type: 'enum', values: [] }, 'x'), 'this enum declares no allowed values', 'list them under values');
    rejects(text({ type: 'enum' }, 'x'), 'this enum declares no allowed values', 'list them under values');
  });
});

describe('json', () => {
  test('parses JSON text and passes the text through unchanged', () => {
    accepts(text(JSON_, '{"a": [1, 2]}'), { a: [1, 2] }, '{"a": [1, 2]}');
    accepts(text(JSON_, '42'), 42, '42');
    accepts(text(JSON_, '"x"'), 'x', '"x"');
    accepts(text(JSON_, 'null'), null, 'null');
  });

  test('rejects invalid JSON text with the parse error', () => {
    const message = messageOf(text(JSON_, '{a:1}'));
    assert.match(message, /^"\{a:1\}" is not valid JSON: [a-z].*position 1/);
    assert.doesNotMatch(message, /\.$/);
    assert.match(messageOf(text(JSON_, 'undefined')), /^"undefined" is not valid JSON: /);
  });

  test('rejects JSON text with surrounding whitespace', () => {
    rejects(text(JSON_, '{} '), '"{} " is not JSON: it has trailing whitespace', 'remove the whitespace: {}');
  });

  test('accepts any YAML value and serializes it compactly', () => {
    accepts(yaml(JSON_, '{ a: 1, b: [x, true] }'), { a: 1, b: ['x', true] }, '{"a":1,"b":["x",true]}');
    accepts(yaml(JSON_, '1.10'), 1.1, '1.1');
    accepts(yaml(JSON_, ''), null, 'null');
  });

  test('reads a YAML string as JSON text, as the same text in a dotenv file', () => {
    accepts(yaml(JSON_, `'{"a": 1}'`), { a: 1 }, '{"a": 1}');
    accepts(yaml(JSON_, `'"hello"'`), 'hello', '"hello"');
    assert.equal(messageOf(yaml(JSON_, `'{bad'`)).startsWith('"{bad" is not valid JSON'), true);
    assert.equal(messageOf(yaml(JSON_, 'hello')).startsWith('"hello" is not valid JSON'), true);
  });

  test('rejects YAML values JSON cannot represent', () => {
    rejects(yaml(JSON_, '.inf'), '.inf cannot be written as JSON: JSON has no Infinity');
    rejects(yaml(JSON_, '[1, .nan]'), 'a list cannot be written as JSON: JSON has no NaN');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    rejects(yamlValue(JSON_, loop), 'a map cannot be written as JSON: it contains itself');
  });
});

describe('describeType', () => {
  test('names every type as it reads in a sentence', () => {
    const expected: Record<string, string> = {
      string: 'a string',
      int: 'an integer',
      number: 'a number',
      boolean: 'a boolean (true or false)',
      port: 'a port (1-65535)',
      host: 'a host',
      url: 'a URL',
      duration: 'a duration (like 250ms, 5s, 1m30s)',
      enum: 'one of debug, info, warn',
      json: 'JSON',
    };
    for (const type of CONFIG_TYPES) {
      assert.equal(describeType(type === 'enum' ? LOG_LEVEL : { type }), expected[type], type);
    }
  });
});

describe('robustness', () => {
  test('never throws, whatever it is given', () => {
    const hostile = {
      toString: () => {
        throw new Error('boom');
      },
    };
    const circular: unknown[] = [];
    circular.push(circular);
    const raws: unknown[] = [
      undefined,
      null,
      Symbol('s'),
      () => 1,
      10n,
      10n ** 30n,
      NaN,
      -0,
      hostile,
      circular,
      new Date(NaN),
      new Map(),
      [[[]]],
      '\u0000',
      '\uD800',
    ];
    const specs: unknown[] = [...CONFIG_TYPES.map((type) => ({ type })), { type: 'enum', values: [hostile] }, { type: 'nope' }, null, undefined];
    for (const spec of specs) {
      for (const raw of raws) {
        for (const origin of ['yaml', 'text', 'bogus']) {
          const result = coerceValue(spec as TypeSpec, raw, origin as 'yaml', 'x');
          assert.equal(typeof result.ok, 'boolean');
          if (!result.ok) assert.equal(typeof result.message, 'string');
          else assert.equal(typeof result.text, 'string');
        }
      }
    }
    assert.equal(typeof describeType(null as unknown as TypeSpec), 'string');
    assert.equal(parseDuration(undefined as unknown as string), undefined);
  });

  test('reports an unknown type instead of guessing', () => {
    rejects(coerceValue({ type: 'float' } as unknown as TypeSpec, '1', 'text'), '"float" is not a config type', `use one of ${CONFIG_TYPES.join(', ')}`);
  });

  test('reads a safe bigint as a number and refuses one too large to read exactly', () => {
    accepts(coerceValue(PORT, 8080n, 'yaml'), 8080, '8080');
    assert.equal(messageOf(coerceValue(INT, 10n ** 20n, 'yaml')), '100000000000000000000 is too large to be read exactly');
  });

  test('shortens very long values in messages', () => {
    const message = messageOf(text(INT, 'x'.repeat(500)));
    assert.ok(message.length < 120, message);
    assert.ok(message.includes('...'), message);
  });
});

// Registered last so that every failure recorded by the tests above is checked.
describe('messages', () => {
  test('start lowercase (or with the value or YAML) and never end with a period', () => {
    assert.ok(failures.length > 100, `only ${failures.length} failures were recorded`);
    for (const { input, message } of failures) {
      assert.match(message, /^(?:[a-z"0-9.~-]|YAML )/, `${input}: ${message}`);
      assert.doesNotMatch(message, /\.$/, `${input}: ${message}`);
    }
  });
});
