#!/usr/bin/python3
# A real SMTP server with TLS and AUTH for the email notifier's tests (aiosmtpd's command line can
# do neither): Debian's python3-aiosmtpd, a certificate the test made, one user and password,
# AUTH required (and only over TLS), mail delivered into a Maildir.
#   --mode starttls: plain on connect, STARTTLS offered and required before anything else (587)
#   --mode tls:      TLS on connect (465)
#   --mode plain:    no TLS at all, AUTH allowed in the clear (what a client must not send a password to)
# Each message gets X-Test-Tls (the TLS version it came over, or "plain") and X-Test-Login (the
# authenticated user). Prints "ready <port>" once it accepts connections and "auth accepted|refused
# tls|plain" for each login tried (whether a password came encrypted); runs until SIGTERM.
import argparse
import signal
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument('--port', type=int, required=True)
parser.add_argument('--maildir', required=True)
parser.add_argument('--cert', required=True)
parser.add_argument('--key', required=True)
parser.add_argument('--mode', choices=['starttls', 'tls', 'plain'], required=True)
parser.add_argument('--user', required=True)
parser.add_argument('--password', required=True)
args = parser.parse_args()

context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(args.cert, args.key)


def authenticate(server, session, envelope, mechanism, auth_data):
    # PLAIN and LOGIN hand over a LoginPassword; anything else is refused.
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == args.user.encode() and auth_data.password == args.password.encode()
    encrypted = server.transport.get_extra_info('ssl_object') is not None
    print(f"auth {'accepted' if ok else 'refused'} {'tls' if encrypted else 'plain'}", flush=True)
    # handled=False: aiosmtpd answers 535 itself (with the default handled=True it answers nothing).
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


class RecordingMailbox(Mailbox):
    async def handle_DATA(self, server, session, envelope):
        ssl_object = server.transport.get_extra_info('ssl_object')
        self.received_over = (ssl_object.version() if ssl_object else 'plain', session.auth_data.login.decode() if session.authenticated else '-')
        return await super().handle_DATA(server, session, envelope)

    def prepare_message(self, session, envelope):
        message = super().prepare_message(session, envelope)
        message['X-Test-Tls'], message['X-Test-Login'] = self.received_over
        return message


# Block the stop signals before the server's thread starts, so that only sigwait() takes them.
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
handler = RecordingMailbox(args.maildir)
if args.mode == 'starttls':
    controller = Controller(handler, hostname='127.0.0.1', port=args.port, tls_context=context, require_starttls=True, authenticator=authenticate, auth_required=True, auth_require_tls=True)
elif args.mode == 'plain':
    controller = Controller(handler, hostname='127.0.0.1', port=args.port, authenticator=authenticate, auth_required=True, auth_require_tls=False)
else:
    # aiosmtpd 1.4 does not count TLS on connect as TLS for auth_require_tls: every byte is encrypted anyway.
    controller = Controller(handler, hostname='127.0.0.1', port=args.port, ssl_context=context, authenticator=authenticate, auth_required=True, auth_require_tls=False)
controller.start()
print(f'ready {args.port}', flush=True)
signal.sigwait({signal.SIGTERM, signal.SIGINT})
controller.stop()
sys.exit(0)
