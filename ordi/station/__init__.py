"""The scanning station: the `/scan` page and the small script it shares with `/d/{tag}`."""
