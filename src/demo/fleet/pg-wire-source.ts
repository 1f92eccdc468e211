/**
 * `libs/pg-wire/index.js` of the demo fleet: a minimal PostgreSQL client in plain Node (protocol
 * 3.0: startup, trust authentication, one simple query, terminate), so that the services query
 * the database for real with no npm dependency to install. It opens one connection per query:
 * the demo's traffic is a few checks a second, and a restarted database never leaves a service
 * holding a dead connection.
 */
export const PG_WIRE_SOURCE = `'use strict';
// A minimal PostgreSQL client: startup, trust authentication, one simple query. One connection
// per query. Enough for this fleet, and no npm dependency.
const net = require('node:net');

function cstring(text) {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}

function startupMessage(user, database) {
  const body = Buffer.concat([
    Buffer.from([0, 3, 0, 0]), // protocol 3.0
    cstring('user'), cstring(user),
    cstring('database'), cstring(database),
    cstring('application_name'), cstring('demo-fleet'),
    Buffer.from([0]),
  ]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([length, body]);
}

function message(type, body) {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'ascii');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

/** The fields of an ErrorResponse: S severity, C SQLSTATE, M message. */
function errorFields(body) {
  const fields = {};
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const code = String.fromCharCode(body[at]);
    const end = body.indexOf(0, at + 1);
    fields[code] = body.toString('utf8', at + 1, end);
    at = end + 1;
  }
  const error = new Error(fields.M + (fields.C ? ' (SQLSTATE ' + fields.C + ')' : ''));
  error.sqlstate = fields.C;
  return error;
}

function rowDescription(body) {
  const count = body.readInt16BE(0);
  const names = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    const end = body.indexOf(0, at);
    names.push(body.toString('utf8', at, end));
    at = end + 1 + 18; // table oid, column, type oid, size, modifier, format
  }
  return names;
}

function dataRow(body, names) {
  const count = body.readInt16BE(0);
  const row = {};
  let at = 2;
  for (let i = 0; i < count; i++) {
    const length = body.readInt32BE(at);
    at += 4;
    row[names[i] || 'column' + i] = length < 0 ? null : body.toString('utf8', at, at + length);
    if (length > 0) at += length;
  }
  return row;
}

/**
 * Runs one SQL text on host:port/database and resolves with its rows (values as text). Rejects
 * with the server's error, or with why the server could not be reached.
 */
function query({ host, port, database, user = 'postgres', sql, timeoutMs = 2000 }) {
  return new Promise((resolve, reject) => {
    const where = host + ':' + port + '/' + database;
    const socket = net.connect({ host, port });
    let buffer = Buffer.alloc(0);
    let phase = 'startup';
    let names = [];
    const rows = [];
    let failure;
    let settled = false;
    const settle = (error, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        socket.destroy();
        reject(error);
      } else {
        // A finished query has sent Terminate and ended the connection itself.
        resolve(value);
      }
    };
    const timer = setTimeout(() => settle(new Error('no answer from ' + where + ' within ' + timeoutMs + 'ms')), timeoutMs);
    socket.on('connect', () => socket.write(startupMessage(user, database)));
    socket.on('error', (error) => settle(new Error('cannot reach ' + where + ': ' + (error.code || error.message))));
    socket.on('close', () => settle(new Error(where + ' closed the connection')));
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 5) {
        const type = String.fromCharCode(buffer[0]);
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) return;
        const body = buffer.subarray(5, 1 + length);
        buffer = buffer.subarray(1 + length);
        if (type === 'R') {
          const method = body.readInt32BE(0);
          if (method !== 0) return settle(new Error(where + ' asks for authentication method ' + method + '; this client speaks trust only'));
        } else if (type === 'E') {
          // During startup the server closes the connection after an error: nothing more comes.
          if (phase === 'startup') return settle(errorFields(body));
          failure = errorFields(body);
        } else if (type === 'T') {
          names = rowDescription(body);
        } else if (type === 'D') {
          rows.push(dataRow(body, names));
        } else if (type === 'Z') {
          if (phase === 'startup') {
            phase = 'query';
            socket.write(message('Q', cstring(sql)));
          } else {
            socket.end(message('X', Buffer.alloc(0)));
            return failure ? settle(failure) : settle(undefined, rows);
          }
        }
        // S (parameter status), K (backend key), C (command complete), N (notice): nothing to do.
      }
    });
  });
}

module.exports = { query };
`;
