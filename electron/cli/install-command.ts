export async function run(_a: string[]): Promise<number> { throw new Error('not yet'); }
