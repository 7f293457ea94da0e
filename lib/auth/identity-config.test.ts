import { describe, expect, it } from "vitest";
import { parseAppConfig } from "@/lib/app-config";

const parse = (text: string, env: Record<string, string> = { LDAP_PW: "from the environment" }) => parseAppConfig(text, "dockmaster.yaml", env);
const ldap = (lines: string) => `registries: []\nauth:\n  ldap:\n${lines}`;
const base = "    url: ldap://ldap.example.com\n    bindDN: cn=svc,dc=example,dc=com\n    bindPassword: ${LDAP_PW}\n    userBase: ou=people,dc=example,dc=com\n";

describe("auth.ldap in dockmaster.yaml", () => {
  it("reads a search-then-bind configuration with its defaults", () => {
    expect(parse(ldap(base)).auth?.ldap).toMatchObject({ name: "directory", url: "ldap://ldap.example.com", userFilter: "(uid={username})", groupFilter: "(member={dn})", startTLS: false, caPem: undefined });
  });

  it("names the file and line of each mistake", () => {
    expect(() => parse(ldap("    url: http://ldap.example.com\n    userDN: uid={username},dc=x\n"))).toThrow("dockmaster.yaml:4: auth.ldap.url: must be an ldap:// or ldaps:// URL");
    expect(() => parse(ldap(base.replace("${LDAP_PW}", "hunter2")))).toThrow(/dockmaster\.yaml:6: auth\.ldap\.bindPassword: must be an environment variable reference/);
    expect(() => parse(ldap(base + "    userFilter: (uid=alice)\n"))).toThrow("dockmaster.yaml:8: auth.ldap.userFilter: must contain {username}");
    expect(() => parse(ldap(base + "    caFile: /nonexistent/ca.pem\n"))).toThrow(/dockmaster\.yaml:8: auth\.ldap\.caFile: cannot be read: ENOENT/);
    expect(() => parse(ldap(base.replace("ldap://", "ldaps://") + "    startTLS: true\n"))).toThrow(/dockmaster\.yaml:8: auth\.ldap\.startTLS: applies to ldap:\/\/ URLs only/);
    expect(() => parse(ldap("    url: ldap://ldap.example.com\n    userBase: ou=people,dc=example,dc=com\n"))).toThrow(/auth\.ldap\.bindDN: is required to search userBase/);
    expect(() => parse(ldap("    url: ldap://ldap.example.com\n    userDN: uid={username},dc=x\n    groupRefreshMinutes: 10\n"))).toThrow("dockmaster.yaml:6: auth.ldap.groupRefreshMinutes: needs bindDN: the refresh reads groups with the service account");
  });

  it("a bindPassword variable missing from the environment stops start-up, naming the line", () => {
    expect(() => parse(ldap(base), {})).toThrow("dockmaster.yaml:6: auth.ldap.bindPassword: environment variable LDAP_PW is not set");
  });

  it("local: false needs a break-glass account", () => {
    expect(() => parse(`registries: []\nauth:\n  local: false\n  ldap:\n${base}`)).toThrow(/dockmaster\.yaml:\d+: auth\.breakGlass: is required when local is false/);
    expect(parse(`registries: []\nauth:\n  local: false\n  breakGlass: root@x.io\n  ldap:\n${base}`).auth).toMatchObject({ local: false, breakGlass: "root@x.io" });
  });

  it("access: rules name a role and a declared environment", () => {
    expect(() => parse("registries: []\naccess:\n  - { group: admins, role: superuser }\n")).toThrow(/dockmaster\.yaml:3: access\[0\]\.role: Invalid option/);
    expect(() => parse("registries: []\naccess:\n  - { group: rel, role: approver, environment: prod }\n")).toThrow(/dockmaster\.yaml:3: access\[0\]\.environment: refers to environment "prod", which is not declared/);
  });
});
