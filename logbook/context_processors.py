from logbook.kinds import client_data


def entry_kinds(request):
    """The registry of entry kinds as the phone's JavaScript reads it (base.html)."""
    return {"client_data": client_data()}
