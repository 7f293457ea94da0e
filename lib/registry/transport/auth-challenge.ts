/**
 * WWW-Authenticate parsing (RFC 9110 §11.6.1): one header may carry several challenges, each a scheme
 * followed by comma-separated auth-params whose values may be quoted strings with escapes.
 *   Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"
 */

export interface AuthChallenge {
  /** lower-cased: "bearer", "basic" */
  scheme: string;
  /** lower-cased names */
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

export function parseAuthChallenges(headerValues: string | string[] | undefined): AuthChallenge[] {
  if (headerValues === undefined) return [];
  const values = Array.isArray(headerValues) ? headerValues : [headerValues];
  return values.flatMap(parseOne);
}

function parseOne(input: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let i = 0;

  const skip = (chars: RegExp) => {
    while (i < input.length && chars.test(input[i] as string)) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < input.length && TOKEN_CHAR.test(input[i] as string)) i++;
    return input.slice(start, i);
  };
  // lenient: servers in the wild send unquoted realms such as realm=https://auth/token
  const readBare = (): string => {
    const start = i;
    while (i < input.length && !/[\s,]/.test(input[i] as string)) i++;
    return input.slice(start, i);
  };
  const readQuoted = (): string => {
    let out = "";
    i++; // opening quote
    while (i < input.length && input[i] !== '"') {
      if (input[i] === "\\" && i + 1 < input.length) i++;
      out += input[i];
      i++;
    }
    i++; // closing quote
    return out;
  };

  for (;;) {
    skip(/[\s,]/);
    const scheme = readToken();
    if (!scheme) break;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    skip(/[ \t]/);

    for (;;) {
      const paramStart = i;
      skip(/[\s,]/);
      const name = readToken();
      skip(/[ \t]/);
      if (!name || input[i] !== "=") {
        // not "name=" — either the end or the scheme of the next challenge
        i = paramStart;
        break;
      }
      i++; // '='
      skip(/[ \t]/);
      const value = input[i] === '"' ? readQuoted() : readBare();
      challenge.params[name.toLowerCase()] = value;
      skip(/[ \t]/);
      if (input[i] !== ",") break;
    }
    if (i >= input.length) break;
  }
  return challenges;
}

/** Bearer wins over Basic when a registry offers both: it is the scheme that supports scoping. */
export function pickChallenge(challenges: AuthChallenge[]): AuthChallenge | undefined {
  return challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic");
}

/** scope="repository:a:pull repository:b:pull" → ["repository:a:pull", "repository:b:pull"] */
export function challengeScopes(challenge: AuthChallenge | undefined): string[] {
  const scope = challenge?.params.scope;
  return scope ? scope.split(" ").filter(Boolean) : [];
}
