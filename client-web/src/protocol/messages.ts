// The client's requests, typed from the generated protocol schemas: a request is any client message but
// `hello`, without the `id` (the connection assigns it). A field the schema does not know fails type-checking.
import type { ProtocolMessages } from './generated';

type ServerMessage = 'ack' | 'error' | 'welcome' | 'update';
export type RequestType = Exclude<keyof ProtocolMessages, ServerMessage | 'hello'>;
export type Request = { [K in RequestType]: Omit<ProtocolMessages[K], 'id'> }[RequestType];
export type { Ack, Error as ErrorMessage, Hello, Update, Welcome } from './generated';
