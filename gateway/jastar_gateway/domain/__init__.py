"""The gateway's own domain: staff accounts, integrators' API keys, sign-in
codes and calendar feeds (model.py), who may do what (access.py), and the use
cases over them (accounts.py, sign_in.py, calendar_feeds.py). Plain Python."""
