// The whole stack, wired from one WebStackArgs: what index.ts (and any other program) constructs.
export { WebStack } from "./webStack";
export type { WebStackArgs, WebStackDatabaseSettings } from "./webStack";
