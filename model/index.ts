// The pure stack model: everything the program, the offline plan and the rehearsal derive from a
// stack's settings before any resource exists. No Pulumi here, so all three compute it the same way.
export * from "./backendHops";
export * from "./certificates";
export * from "./constants";
export * from "./monitors";
export * from "./parameterNames";
export * from "./planWebStack";
export * from "./stackFacts";
export * from "./subnets";
export * from "./topology";
