/** Where the index's pages live; shared by the search API and the pages that link to each other. */
export const repositoryUrl = (environment: string, repository: string) => `/inventory/repository?${new URLSearchParams({ environment, repository })}`;
export const tagUrl = (environment: string, repository: string, tag: string) => `/inventory/tag?${new URLSearchParams({ environment, repository, tag })}`;
export const digestUrl = (digest: string) => `/inventory/digest/${encodeURIComponent(digest)}`;
export const cveUrl = (cve: string) => `/inventory/cve/${encodeURIComponent(cve)}`;
