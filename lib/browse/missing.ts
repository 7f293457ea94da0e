/**
 * What is missing when a registry answers 404 for a manifest, in the words of the page that asked:
 * "tag 9.9 does not exist in team/api", not the registry's error.
 */
export function missingReference(repository: string, ref: string): { title: string; message: string } {
  const digest = /^sha(256|512):/.test(ref);
  return {
    title: digest ? "Digest not found" : "Tag not found",
    message: `${digest ? `digest ${ref}` : `tag ${ref}`} does not exist in ${repository}`,
  };
}
