import { defineConfig } from 'drizzle-kit';

// PostgreSQL's migrations, generated from its mirror of the schema: npx drizzle-kit generate --config drizzle.pg.config.ts
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema-pg.ts',
  out: './migrations/postgres',
  strict: true,
});
