/**
 * A Node built-in module, or undefined outside Node. Through `process.getBuiltinModule`
 * (Node ≥ 20.16) rather than an `import`: code that needs Node only on a Node-only path
 * stays free of Node imports, so a browser bundler (`esbuild --platform=browser`, Vite)
 * has nothing to resolve or stub.
 */
export function nodeBuiltin<T>(id: `node:${string}`): T | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return p?.getBuiltinModule?.(id) as T | undefined;
}
