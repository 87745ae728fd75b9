import * as fs from "fs";
import * as path from "path";
import { ServerPlan } from "../model";
import { Container } from "./containers";
import { must } from "./exec";
import { addEndpoint, CLIENT_IP, LB_PUBLIC_IP, ROUTER_NS, serverNamespace, UPLINK_ROUTER_IF } from "./namespaces";
import { RehearsalPlan } from "./plan";
import { rootfsPath } from "./rootfs";
import { buildServerRoot, ServerRoot } from "./roots";
import { allowedFlows, internetFlows, renderRouterRuleset } from "./securityGroups";
import { BootedStack, hostsFile, INTERNET_SERVICES, SERVER_APT_PROXY_URL, STAND_IN_HOSTS, TeardownState } from "./stack";

/**
 * What `pulumi up` does outside the servers when a plan adds an instance: the instance joins its
 * security groups (the router's mirror is re-rendered from the new plan's instances and rules,
 * atomically: `flush ruleset` and the new rules in one `nft -f`), the private zone gains its
 * record (every namespace's and server's /etc/hosts), and its instance role gets credentials.
 */
export async function joinNetwork(stack: BootedStack, plan: RehearsalPlan, added: ServerPlan): Promise<void> {
    const hosts = hostsFile(plan.topology, []);
    await addEndpoint({ ns: serverNamespace(added.key), routerIf: `r-${added.key}`.slice(0, 15), address: added.privateIp, hosts });
    await applySecurityGroups(stack, plan);
    for (const root of Object.values(stack.roots)) {
        fs.writeFileSync(`/etc/netns/${root.ns}/hosts`, hosts);
        fs.writeFileSync(path.join(root.fs, "etc/hosts"), hostsFile(plan.topology, STAND_IN_HOSTS));
    }
    const instance = plan.instances.find((i) => i.key === added.key);
    if (!instance) throw new Error(`the program registers no instance for ${added.key}`);
    stack.aws.addInstance(instance);
}

/**
 * The security groups as a plan has them, mirrored on the router: re-rendered from the plan's
 * instances and rules and loaded in one `nft -f` (`flush ruleset` first), as AWS applies a
 * rule change at `pulumi up`, before any server applies its bundle.
 */
export async function applySecurityGroups(stack: BootedStack, plan: RehearsalPlan): Promise<void> {
    const flows = [...allowedFlows(plan.instances, plan.groupRules, CLIENT_IP), ...internetFlows(plan.instances, plan.groupRules, INTERNET_SERVICES)];
    const ruleset = renderRouterRuleset(flows, LB_PUBLIC_IP, plan.topology.loadBalancer.privateIp, UPLINK_ROUTER_IF);
    const file = path.join(stack.runDir, "router.nft");
    fs.writeFileSync(file, ruleset);
    await must(["ip", "netns", "exec", ROUTER_NS, "nft", "-f", file]);
    stack.routerRuleset = ruleset;
}

/**
 * Boots the added server exactly as the first ones: its root on the cached image with the
 * program's user data as the NoCloud seed, a container in its namespace, cloud-init to the end.
 * Registered for teardown before it starts.
 */
export async function bootAddedServer(stack: BootedStack, state: TeardownState, plan: RehearsalPlan, added: ServerPlan, timeoutMs: number): Promise<ServerRoot> {
    const instance = plan.instances.find((i) => i.key === added.key)!;
    const principal = stack.aws.principalOf(added.key);
    const root = await buildServerRoot(stack.runDir, serverNamespace(added.key), added, rootfsPath(), {
        userData: instance.userData,
        hosts: hostsFile(plan.topology, STAND_IN_HOSTS),
        aptProxyUrl: SERVER_APT_PROXY_URL,
        aws: { region: plan.region, endpointUrl: stack.aws.url, accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey },
        trustedCaPems: [stack.datadog.caPem],
    });
    state.roots.push(root);
    root.container = new Container(root);
    await root.container.start();
    const wait = await root.container.run(["cloud-init", "status", "--wait"], { timeoutMs });
    if (wait.code !== 0) throw new Error(`cloud-init on ${added.key} ended with exit ${wait.code}: ${wait.stdout.trim().split("\n").pop()}`);
    return root;
}
