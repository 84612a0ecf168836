"""Erasing a member: the right to be forgotten. The record keeps its id and
district for statistics; everything personal goes (Member.erase)."""
from jastar_common.caller import SYSTEM

from . import access
from .lookups import get_any


def erase_member(uow, member_id, now, caller=SYSTEM):
    """Emits member.erased (the id only). Erasing an erased member changes
    and emits nothing."""
    access.check_member_access(caller, member_id)
    with uow:
        member = get_any(uow, member_id)
        if member.erase(now):
            uow.emit("member.erased", {"member_id": member.id})
            uow.commit()
        return member
