/** The ports of one run of the demo, all found free when it started. */
export interface DemoPorts {
  /** Where fleet-db listens at first, and what the migration moves it away from. */
  oldDb: number;
  /** Where the migration moves fleet-db. */
  newDb: number;
  /** Each service's HTTP port, by name. */
  services: ReadonlyMap<string, number>;
}
