/** The page controller, handed to components (they read the store and call its methods). */
import { createContext, useContext } from 'react';
import { useDispatch, useSelector, type TypedUseSelectorHook } from 'react-redux';
import type { PageController } from '../app/controller.ts';
import type { AppDispatch, RootState } from '../state/store.ts';

export const ControllerContext = createContext<PageController | null>(null);

export function useController(): PageController {
  const c = useContext(ControllerContext);
  if (!c) throw new Error('ControllerContext missing');
  return c;
}

export const useAppSelector: TypedUseSelectorHook<RootState> = useSelector;
export const useAppDispatch = (): AppDispatch => useDispatch<AppDispatch>();
