import { InvalidInputError } from "../errors";
import { validateRepositoryName } from "../reference";

export interface HarborRepoName {
  project: string;
  /** the repository name inside the project ("team/app" for "library/team/app") */
  name: string;
  /** path segment for the API: Harbor wants the name URL-encoded twice when it contains "/" */
  param: string;
}

/** "library/team/app" → project "library", repository "team/app"; every Harbor repository lives in a project. */
export function splitRepository(repository: string): HarborRepoName {
  validateRepositoryName(repository);
  const slash = repository.indexOf("/");
  if (slash < 0) throw new InvalidInputError(`Harbor repository "${repository}" has no project: use "<project>/${repository}"`, repository);
  const name = repository.slice(slash + 1);
  return { project: repository.slice(0, slash), name, param: encodeURIComponent(encodeURIComponent(name)) };
}

/**
 * For endpoints taking a project name or id: Harbor reads a number as the id unless told otherwise
 * (src/server/v2.0/handler/project.go parseProjectNameOrID), so a project named "2024" needs this.
 */
export const PROJECT_NAME_HEADERS: Record<string, string> = { "x-is-resource-name": "true" };

/** Harbor reports "never" as Go's zero time. */
export function harborTime(value: string | undefined): string | undefined {
  if (!value || value.startsWith("0001-01-01")) return undefined;
  return value;
}
