import { lazy } from 'react';

/**
 * What the first paint does not need, in chunks of their own: the Ports view, the New… dialog and
 * the Decoded view's decoders load the first time they are shown.
 */
export const LazyPortsView = lazy(() => import('../ports/PortsView').then((module) => ({ default: module.PortsView })));
export const LazyNewSocketDialog = lazy(() => import('../new-socket/NewSocketDialog').then((module) => ({ default: module.NewSocketDialog })));
export const LazyDecodedPayload = lazy(() => import('../log/decoded/DecodedPayload').then((module) => ({ default: module.DecodedPayload })));
