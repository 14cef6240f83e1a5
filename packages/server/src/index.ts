// What other packages (the CLI) use from the server.
export { buildApp, type AppOptions } from './app.ts';
export { systemClock, ManualClock, type Clock } from './clock.ts';
export {
  createDatabase,
  databaseConfigFromEnv,
  type DatabaseConfig,
  type DatabaseHandle,
  type Db,
} from './db/database.ts';
export { migrateToLatest, MigrationFailedError } from './db/migrate.ts';
export { DomainError, type ErrorCode } from './errors.ts';
export { createFirstAdmin, type FirstAdminInput } from './users/admin-bootstrap.ts';
export { PASSWORD_RULES } from './auth/password.ts';
export { POLICY_PRESET_IDS } from './sla/sla-clock.service.ts';
export {
  createStandalonePolicySimulation,
  draftPolicyOf,
  MAX_SIMULATION_SPAN_DAYS,
  type SimulationResult,
} from './policy-simulation/policy-simulation.service.ts';
export { createStandaloneInboundMail } from './mail-inbound/inbound-mail.module.ts';
export type { InboundOutcome } from './mail-inbound/inbound-mail.service.ts';
