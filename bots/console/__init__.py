"""Console adapter: the same vocabulary as Telegram, typed in a terminal."""
