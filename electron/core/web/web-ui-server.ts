export async function startWebUi(_o: unknown): Promise<string> { throw new Error('not yet'); }
