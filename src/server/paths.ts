/** Locations of the package's own files, the same from src/ (tests) and dist/src/ (built). */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/** The package root: the nearest folder above this module with a package.json. */
export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("package.json not found above the server module");
    dir = parent;
  }
  root = dir;
  return dir;
}

/**
 * The path of a file a module names by URL (a provider's SDL or doc, next to
 * its definition). Built code runs from dist/, where tsc copies no `.graphql`
 * or `.md`: a file missing there is read from the same place in the source tree.
 */
export function sourceFile(url: URL): string {
  const path = fileURLToPath(url);
  if (existsSync(path)) return path;
  const dist = join(projectRoot(), "dist");
  const inDist = relative(dist, path);
  return inDist.startsWith("..") || isAbsolute(inDist) ? path : join(projectRoot(), inDist);
}
