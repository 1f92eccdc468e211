import pg from 'pg';
import { DEMO_DATABASE, DEMO_SERVICES } from './demo-services.js';

/** Creates the shop's database on a fresh cluster, with each service's table and a few rows in it. */
export async function seedDatabase(port: number): Promise<void> {
  await withClient(port, 'postgres', (client) => client.query(`create database ${DEMO_DATABASE}`));
  await withClient(port, DEMO_DATABASE, async (client) => {
    for (const service of DEMO_SERVICES) {
      await client.query(`create table ${service.table} (id int primary key, label text not null)`);
      await client.query(`insert into ${service.table} select i, '${service.table} #' || i from generate_series(1, ${service.rows}) as i`);
    }
  });
}

async function withClient(port: number, database: string, use: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await use(client);
  } finally {
    await client.end();
  }
}
