/**
 * `libs/service/index.js` of the demo fleet: what every service runs — an HTTP server on PORT
 * with `/health` and `/db` (a real query on the service's own table, through `libs/pg-wire`).
 * Health is honest by default (it queries the database); a service can ask for a static one.
 */
export const SERVICE_LIB_SOURCE = String.raw`'use strict';
const http = require('node:http');
const { query } = require('../pg-wire');

/**
 * Serves one service of the shop. options: name, sql (what /db runs), and health: 'database'
 * (default: /health runs select 1) or 'static' (/health answers 200 while the process runs).
 */
function serve(options) {
  const env = process.env;
  const db = { host: env.DB_HOST, port: Number(env.DB_PORT), database: env.DB_NAME };
  const where = db.host + ':' + db.port + '/' + db.database;
  const send = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body) + '\n');
  };
  // Failures in plain text: what a check quotes of them reads as it was written.
  const fail = (res, status, error) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(where + ': ' + error.message + '\n');
  };
  const server = http.createServer(async (req, res) => {
    const path = (req.url || '/').split('?')[0];
    if (path === '/health') {
      if (options.health === 'static') return send(res, 200, { status: 'ok' });
      try {
        await query({ ...db, sql: 'select 1' });
        return send(res, 200, { status: 'ok', database: where });
      } catch (error) {
        return fail(res, 503, error);
      }
    }
    if (path === '/db') {
      try {
        const rows = await query({ ...db, sql: options.sql });
        return send(res, 200, { service: options.name, database: where, rows });
      } catch (error) {
        return fail(res, 500, error);
      }
    }
    return send(res, 404, { error: 'not found' });
  });
  server.listen(Number(env.PORT), '127.0.0.1', () => {
    console.log(options.name + ' listening on 127.0.0.1:' + env.PORT + ', database ' + where);
  });
}

module.exports = { serve };
`;
