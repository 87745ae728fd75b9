// The CrossGuard entry point: it only constructs the pack. Policies live in ./policies so
// they can be imported (tests, the offline plan runner) without starting a policy server.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("webstack", { policies, enforcementLevel: "advisory" });
