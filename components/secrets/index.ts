// The generated passwords and every secret a server reads, in SSM; their names are the model's (secretParameterNames).
export { StackSecrets } from "./secrets";
export type { StackSecretsArgs } from "./secrets";
