// Copy the front-end files jinlv serves from node_modules/ (installed by `npm ci`) into vendor/.
// Run by `make setup`; vendor/ is git-ignored and rebuilt from the committed package-lock.json.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const vendor = join(here, "vendor");

// [package, file or folder inside the package, destination inside vendor/]
const files = [
  ["leaflet", "dist/leaflet.js", "leaflet/leaflet.js"],
  ["leaflet", "dist/leaflet.css", "leaflet/leaflet.css"],
  ["leaflet", "dist/images", "leaflet/images"],
  ["leaflet", "LICENSE", "leaflet/LICENSE"],
  ["jquery", "dist/jquery.min.js", "jquery/jquery.min.js"],
  ["jquery", "LICENSE.txt", "jquery/LICENSE.txt"],
  ["swagger-ui-dist", "swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"],
  ["swagger-ui-dist", "swagger-ui.css", "swagger-ui/swagger-ui.css"],
  ["swagger-ui-dist", "favicon-32x32.png", "swagger-ui/favicon-32x32.png"],
  ["swagger-ui-dist", "LICENSE", "swagger-ui/LICENSE"],
];

rmSync(vendor, { recursive: true, force: true });
for (const [pkg, from, to] of files) {
  const src = join(modules, pkg, from);
  if (!existsSync(src)) {
    console.error(`vendor.mjs: ${src} is missing: run \`npm ci\` in static/ first`);
    process.exit(1);
  }
  mkdirSync(dirname(join(vendor, to)), { recursive: true });
  cpSync(src, join(vendor, to), { recursive: true });
}
const versions = {};
for (const pkg of new Set(files.map(([p]) => p))) {
  versions[pkg] = JSON.parse(readFileSync(join(modules, pkg, "package.json"), "utf8")).version;
}
writeFileSync(join(vendor, "versions.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`vendor/: ${readdirSync(vendor).join(", ")} (${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(", ")})`);
