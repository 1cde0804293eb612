"""A milestone passed only by conditional units waits for the buying count, and is announced once
the count that would buy reaches it (it used to be lost for good)."""

from __future__ import annotations

from tests.conftest import ConsoleWorld
from tests.texts import eur, said


async def test_the_minimum_is_announced_when_the_buying_count_reaches_it(
    world: ConsoleWorld,
) -> None:
    owner = world.person("owner")
    await owner.say("/subscribe")
    await owner.say("/idea Camping stove #outdoor")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 10:80 7d min=5 per=5")
    await world.deliver()
    await world.person("ana").say("/join 1 4")
    await world.person("bo").say("/join 1 2 85")  # only at 85 € or less: never clears here
    news = "\n".join(await world.deliver())
    reached = said("announce.moq", moq=5)
    assert reached not in news  # 6 pledged, only 4 would buy

    await world.person("cy").say("/join 1")  # 5 would buy now
    news = "\n".join(await world.deliver())
    assert news.count(reached) == 1
    title = "Camping stove"
    assert said("announce.milestone", count=5, id=1, title=title, price=eur(100)) in news

    await world.person("di").say("/join 1")
    assert reached not in "\n".join(await world.deliver())  # told once
