// migrate-mongo (14.x) configuration for the benchmark: the database and URI come from the environment.
module.exports = {
  mongodb: { url: process.env.BENCH_MONGO_URI, databaseName: process.env.BENCH_MONGO_DB, options: {} },
  migrationsDir: "migrations",
  changelogCollectionName: "changelog",
  lockCollectionName: "changelog_lock",
  lockTtl: 0,
  migrationFileExtension: ".js",
  useFileHash: false,
  moduleSystem: "commonjs",
};
