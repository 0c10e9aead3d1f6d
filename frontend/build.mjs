// Builds Lantern's front-end assets into build/static/ from packages installed by `npm ci`.
// Nothing third-party is committed: this script compiles our SCSS against govuk-frontend and
// @ministryofjustice/frontend, and copies the packages' own scripts and images beside it.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build", "static");
const modules = join(root, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "lantern"), { recursive: true });

const css = sass.compile(join(root, "frontend", "scss", "lantern.scss"), {
  loadPaths: [root],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
  // The packages warn about their own internal deprecations; they are not ours to fix.
  logger: sass.Logger.silent,
});
writeFileSync(join(out, "lantern", "lantern.css"), css.css);

const copies = [
  ["govuk-frontend/dist/govuk/assets", "assets"],
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk/govuk-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/assets", "assets"],
  ["@ministryofjustice/frontend/moj/moj-frontend.min.js", "moj/moj-frontend.min.js"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
];
for (const [from, to] of copies) {
  cpSync(join(modules, from), join(out, to), { recursive: true });
}
cpSync(join(root, "frontend", "js"), join(out, "lantern"), { recursive: true });
console.log(`built ${out}`);
