// The Medusa project the CommerceGraph harness runs: no admin dashboard, no Redis, loopback
// only. Secrets here guard a throwaway test server, never a real shop.
const { defineConfig } = require("@medusajs/framework/utils")

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: "http://127.0.0.1",
      adminCors: "http://127.0.0.1",
      authCors: "http://127.0.0.1",
      jwtSecret: process.env.JWT_SECRET || "commercegraph-medusa-harness",
      cookieSecret: process.env.COOKIE_SECRET || "commercegraph-medusa-harness",
    },
  },
  admin: { disable: true },
})
