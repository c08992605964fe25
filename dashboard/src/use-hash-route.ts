import { useEffect, useState } from 'preact/hooks';

/** The page the hash names (`#/requests?model=gpt-5-mini`): the server serves one index.html whatever the page. */
export interface HashRoute {
  path: string;
  query: URLSearchParams;
}

function readRoute(): HashRoute {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = hash.split('?', 2);
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(query) };
}

export function useHashRoute(): HashRoute {
  const [route, setRoute] = useState(readRoute);
  useEffect(() => {
    const follow = () => setRoute(readRoute());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return route;
}

/** Goes to a page, with its query (empty values left out). */
export function navigate(path: string, query: Record<string, string | undefined> = {}): void {
  const search = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => Boolean(entry[1]))).toString();
  location.hash = `#${path}${search ? `?${search}` : ''}`;
}
