import { strict as assert } from "assert";
import { aliasUrnsOf } from "../../plan/runProgram";

// The alias URNs the plan records must be the ones the engine matches old state against
// (Pulumi's allAliases): the URN pin (tests/stack/resourceUrns.test.ts) trusts them to prove
// that a renamed or retyped resource, and every resource under it, keeps its state.

const urn = (qualifiedType: string, name: string) => `urn:pulumi:dev::webstack::${qualifiedType}::${name}`;

describe("aliasUrnsOf: the URNs a resource answers to", () => {
    const parent = { name: "web", urn: urn("webstack:webstack:WebStack", "web"), aliasUrns: [urn("webstack:index:WebStack", "web")] };

    it("a name alias: the old name under today's parent", () => {
        const rule = { type: "aws:vpc/rule:Rule", name: "web-fw-new", urn: urn("webstack:webstack:WebStack$aws:vpc/rule:Rule", "web-fw-new") };
        const aliases = aliasUrnsOf("dev", rule, [{ name: "web-fw-old" }], { ...parent, aliasUrns: [] });
        assert.deepEqual(aliases, [urn("webstack:webstack:WebStack$aws:vpc/rule:Rule", "web-fw-old")]);
    });

    it("a parent's type alias is inherited, alone and combined with the child's own aliases", () => {
        const child = { type: "webstack:certificates:Certificates", name: "web-tls", urn: urn("webstack:webstack:WebStack$webstack:certificates:Certificates", "web-tls") };
        const aliases = aliasUrnsOf("dev", child, [{ type: "webstack:tls:Certificates" }], parent);
        assert.deepEqual(aliases.sort(), [
            urn("webstack:index:WebStack$webstack:certificates:Certificates", "web-tls"),
            urn("webstack:index:WebStack$webstack:tls:Certificates", "web-tls"),
            urn("webstack:webstack:WebStack$webstack:tls:Certificates", "web-tls"),
        ]);
    });

    it("a renamed parent renames the children named after it", () => {
        const renamed = { name: "web", urn: urn("webstack:webstack:WebStack", "web"), aliasUrns: [urn("webstack:webstack:WebStack", "site")] };
        const child = { type: "aws:ebs/volume:Volume", name: "web-data", urn: urn("webstack:webstack:WebStack$aws:ebs/volume:Volume", "web-data") };
        assert.deepEqual(aliasUrnsOf("dev", child, [], renamed), [urn("webstack:webstack:WebStack$aws:ebs/volume:Volume", "site-data")]);
    });

    it("no aliases anywhere: none", () => {
        const child = { type: "aws:ebs/volume:Volume", name: "web-data", urn: urn("webstack:webstack:WebStack$aws:ebs/volume:Volume", "web-data") };
        assert.deepEqual(aliasUrnsOf("dev", child, [], { ...parent, aliasUrns: [] }), []);
        assert.deepEqual(aliasUrnsOf("dev", { type: "webstack:webstack:WebStack", name: "web", urn: parent.urn }, [], undefined), []);
    });
});
