// Worker entry: Node 20 does not apply `--import tsx` to a worker's own file, so load it through tsx.
import { tsImport } from 'tsx/esm/api';

await tsImport('./members.worker.ts', import.meta.url);
