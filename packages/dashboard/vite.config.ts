import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

export default defineConfig({
  base: "/dashboard/",
  plugins: [react()],
  // The SDK from its TypeScript source: the dashboard never waits on the SDK's build.
  resolve: { conditions: ["brainstormrouter-source", ...defaultClientConditions] },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  // `npm run dev` talks to a server started with `npm start` on the default port.
  server: { proxy: { "/auth": "http://127.0.0.1:8787", "/dashboard/config.json": "http://127.0.0.1:8787" } },
});
