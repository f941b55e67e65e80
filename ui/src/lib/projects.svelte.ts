// The Go projects the app found this session ("Unused by my projects" reads them under the
// settings' project folders): Verify offers them in its project field.

/** The found projects' directories, newest selection's first. */
export const foundProjects = $state<{ dirs: string[] }>({ dirs: [] });

/** The folders Verify's project field suggests: the found projects, then the project roots. */
export function projectSuggestions(found: string[], roots: string[]): string[] {
  return [...new Set([...found, ...roots])];
}
