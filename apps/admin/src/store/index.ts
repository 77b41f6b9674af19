export { ConfigStore, DB_FILE, type CommitInput, type Revision, type RevisionMeta, type StoreOptions } from './store';
export { defaultMigrationsDir, loadMigrations, migrate, type Migration, type MigrationResult } from './migrate';
export { project, type Projection } from './projection';
