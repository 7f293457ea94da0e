import { defineConfig } from "prisma/config";

// Only `prisma generate` is used; the app applies prisma/migrations itself (see lib/db/migrate.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
