/** @type {import('next').NextConfig} */
module.exports = {
  reactStrictMode: true,
  // Lets two builds coexist (e.g. a benchmark beside the test suite); server.mjs reads the same variable.
  distDir: process.env.DOCKMASTER_DIST_DIR || ".next",
  // `npm test` type-checks the whole tree with tsc as its own step; checking again here only slows builds.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  // Native, WASM or file-relative modules: load them from node_modules at run time instead of bundling.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@node-rs/argon2", "pg", "@prisma/adapter-pg", "@prisma/client", "undici", "pg-boss", "prom-client"],
  typedRoutes: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          // Dockmaster needs no device or sensor; a page that is ever compromised cannot ask for them either.
          {
            key: "Permissions-Policy",
            value: "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), browsing-topics=()",
          },
        ],
      },
      {
        // Pages get a per-request nonce policy from proxy.ts; JSON answers never run or embed anything.
        source: "/api/:path*",
        headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }],
      },
    ];
  },
};
