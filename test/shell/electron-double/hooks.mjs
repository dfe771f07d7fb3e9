// Resolves the bare specifier 'electron' to the recording test double (module.register resolve hook).
const DOUBLE = new URL('./electron.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron') return { url: DOUBLE, shortCircuit: true, format: 'module' };
  return nextResolve(specifier, context);
}
