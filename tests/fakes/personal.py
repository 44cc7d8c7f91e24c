"""What is stored of a person, and forgetting them, in memory (`storage.personal`,
`storage.erasure`). Slack installations are not a storage role, so they have no stand-in."""

from __future__ import annotations

from dataclasses import replace

from bot.core import domain
from storage.erasure import unlinked_id
from tests.fakes.ideas import EDITED
from tests.fakes.memory import Memory, place


class MemoryPersonalData(Memory):
    """Implements `bot.core.ports.PersonalDataStore`."""

    async def personal_data(
        self, programme: str, platform: str, user_id: str
    ) -> domain.PersonalData | None:
        self._programme(programme)
        known = self._people.get((platform, user_id))
        nudges = self._nudge_settings(programme, f"{platform}:{user_id}")
        if known is None:
            if nudges is None:
                return None
            return domain.PersonalData(
                domain.Participant(platform, user_id), (), (), (), nudges=nudges
            )
        person, name = known
        ideas = {r.id: r for r in self._idea_rows(programme)}
        own = sorted((r for r in ideas.values() if r.author_id == person), key=lambda r: r.number)
        votes = sorted(
            (
                (ideas[i].number, vote)
                for (i, v), vote in self._votes.items()
                if v == person and i in ideas
            ),
            key=lambda found: found[1].cast_at,
        )
        return domain.PersonalData(
            domain.Participant(platform, user_id, name),
            tuple(
                {
                    "id": r.number,
                    "text": r.text,
                    "theme": r.new.theme_key,
                    "created_at": r.created_at.isoformat(),
                }
                for r in own
            ),
            tuple(
                {"idea": number, "cast_at": vote.cast_at.isoformat(), "audience": vote.audience}
                for number, vote in votes
            ),
            tuple(
                {
                    "idea": ideas[f.idea_id].number,
                    "reason": f.reason,
                    "flagged_at": f.flagged_at.isoformat(),
                }
                for f in self._flags
                if f.person_id == person and f.idea_id in ideas
            ),
            self._own_entries(programme, person),  # tests.fakes.agenda
            tuple(
                {
                    "idea": ideas[idea_id].number,
                    "actor": p.said.actor_key,
                    "style": p.said.style_key,
                    "stage": p.said.stage_key,
                    "proposed_at": p.proposed_at.isoformat(),
                }
                for (idea_id, who), p in sorted(
                    self._proposals.items(),
                    key=lambda item: ideas[item[0][0]].number if item[0][0] in ideas else 0,
                )
                if who == person and idea_id in ideas
            ),
            nudges,
        )

    def _nudge_settings(self, programme: str, key: str) -> dict[str, bool] | None:
        row = self._person_nudges.get((programme, key))
        if row is None:
            return None
        return {"muted": row.muted, "notified": row.notified, "personal": row.personal is not None}

    def _forget_nudges(self, programme: str, key: str) -> int:
        """Their settings, their 1:1 chat's reference and the direct nudges to them."""
        changed = 0
        row = self._person_nudges.pop((programme, key), None)
        if row is not None:
            changed += 1
            if row.personal is not None:
                channel = self._channels.get((programme, place(row.personal)))
                if channel is not None and channel.reference is not None:
                    channel.reference, changed = None, changed + 1
        for nudge_id, nudge in list(self._nudges.items()):
            if nudge.new.programme == programme and nudge.new.to == key:
                del self._nudges[nudge_id]
                changed += 1
        return changed

    async def forget(
        self, programme: str, platform: str, user_id: str, by: domain.Participant, new_id: str
    ) -> domain.Forgotten | None:
        self._programme(programme)
        done = self._forget_in(programme, platform, user_id, by, new_id)
        if done is not None:
            self._forget_if_gone(platform, user_id)
        return done

    async def forget_everywhere(
        self, platform: str, user_id: str, by: domain.Participant
    ) -> dict[str, domain.Forgotten]:
        done = {}
        for programme in list(self._programmes):
            forgotten = self._forget_in(programme, platform, user_id, by, unlinked_id())
            if forgotten is not None:
                done[programme] = forgotten
        self._forget_if_gone(platform, user_id)
        return done

    def _forget_in(
        self, programme: str, platform: str, user_id: str, by: domain.Participant, new_id: str
    ) -> domain.Forgotten | None:
        """One programme's part of forgetting; None when nothing of the person was in it."""
        old_key, new_key = f"{platform}:{user_id}", f"{platform}:{new_id}"
        known = self._people.get((platform, user_id))
        done, touched = (
            self._erase(programme, known[0], platform, new_id)
            if known is not None
            else (domain.Forgotten((), 0, 0, 0, 0), 0)
        )
        touched += self._rekey(programme, old_key, new_key)
        touched += self._forget_references(programme, platform, user_id)
        touched += self._forget_nudges(programme, old_key)
        if not touched:
            return None
        self._log(programme, None, by.key if by.key != old_key else new_key, "person.forgotten")
        return done

    def _erase(
        self, programme: str, person: int, platform: str, new_id: str
    ) -> tuple[domain.Forgotten, int]:
        """Delete the person's ideas and drafts in the programme, erase their flags' reasons
        there, and move what is left of them there to a new participant under `new_id`."""
        own = [r for r in self._idea_rows(programme) if r.author_id == person]
        gone = {r.id for r in own}
        merged_or_assigned = sum(
            1 for r in own if r.merged_into is not None or r.assignment is not None
        )
        removed = 0
        for row in own:
            voters = [v for i, v in self._votes if i == row.id]
            if not row.hidden:  # a hidden idea's voters were refunded when it was hidden
                self._refund(programme, voters, row.new.theme_key)
            removed += len(voters)
        for row in self._ideas.values():
            if row.merged_into in gone:  # ideas merged into a deleted one stand alone again
                row.merged_into = None
        self._votes = {k: v for k, v in self._votes.items() if k[0] not in gone}
        self._flags = [f for f in self._flags if f.idea_id not in gone]
        self._notes = [n for n in self._notes if n.idea_id not in gone]
        self._proposals = {k: v for k, v in self._proposals.items() if k[0] not in gone}
        self._tags = {k: v for k, v in self._tags.items() if k[0] not in gone}
        for idea_id in gone:
            del self._ideas[idea_id]
        numbers = {r.number for r in own}
        self._history[programme] = [
            e
            for e in self._history.get(programme, [])
            if not (e.number in numbers and e.action == EDITED)
        ]
        drafts = [
            i
            for i, d in self._drafts.items()
            if d.new.programme_key == programme and d.author_id == person
        ]
        for draft_id in drafts:
            del self._drafts[draft_id]
        ideas = {r.id for r in self._idea_rows(programme)}
        erased = [f for f in self._flags if f.person_id == person and f.idea_id in ideas]
        for f in erased:
            f.reason = None
        kept = sum(1 for i, v in self._votes if v == person and i in ideas)
        contributions, day_rows = self._erase_own(programme, person)  # tests.fakes.agenda
        moved = self._move(programme, person, platform, new_id)
        forgotten = domain.Forgotten(
            deleted=tuple(sorted(numbers)),
            merged_or_assigned=merged_or_assigned,
            votes_removed=removed,
            votes_kept=kept,
            flags_erased=len(erased),
            contributions_deleted=contributions,
        )
        return forgotten, len(own) + len(drafts) + moved + day_rows

    def _move(self, programme: str, old: int, platform: str, new_id: str) -> int:
        """Point the person's rows in the programme at a new "Forgotten participant" under
        `new_id`; how many rows moved (none: no new participant is kept)."""
        new = self._next_id()
        ideas = {r.id: r for r in self._idea_rows(programme)}
        moved = 0
        for prompt in self._prompts.values():
            if prompt.programme == programme and prompt.posted_by == old:
                prompt.posted_by, moved = new, moved + 1
        for row in ideas.values():
            if row.author_id == old:
                row.author_id, moved = new, moved + 1
            if row.assigned_by == old:
                row.assigned_by, moved = new, moved + 1
        for key in [k for k in self._votes if k[1] == old and k[0] in ideas]:
            self._votes[(key[0], new)] = self._votes.pop(key)
            moved += 1
        for budget in [k for k in self._used if k[0] == programme and k[1] == old]:
            self._used[(programme, new, budget[2])] = self._used.pop(budget)
            moved += 1
        for draft in self._drafts.values():
            if draft.new.programme_key == programme and draft.author_id == old:
                draft.author_id, moved = new, moved + 1
        for f in self._flags:
            if f.person_id == old and f.idea_id in ideas:
                f.person_id, moved = new, moved + 1
        for key in [k for k in self._proposals if k[1] == old and k[0] in ideas]:
            self._proposals[(key[0], new)] = self._proposals.pop(key)
            moved += 1
        for tag in self._tags.values():
            if tag.tagged_by == old:
                tag.tagged_by, moved = new, moved + 1
        for added in self._emerging.get(programme, []):
            if added.added_by == old:
                added.added_by, moved = new, moved + 1
        if moved:
            self._people[(platform, new_id)] = (new, domain.FORGOTTEN)
        return moved

    def _rekey(self, programme: str, old_key: str, new_key: str) -> int:
        """Replace the person's `platform:user_id` wherever it names them in the programme,
        and end their organiser role there; how many rows changed."""
        changed = 0
        entries = self._history.get(programme, [])
        for n, e in enumerate(entries):
            detail = {k: new_key if v == old_key else v for k, v in e.detail.items()}
            if e.who == old_key or detail != e.detail:
                who = new_key if e.who == old_key else e.who
                entries[n] = replace(e, who=who, detail=detail)
                changed += (e.who == old_key) + (detail != e.detail)
        organisers = self._programme(programme).organisers
        for user, added_by in organisers.items():
            if added_by == old_key:
                organisers[user], changed = new_key, changed + 1
        if organisers.pop(old_key, None) is not None:
            changed += 1
        for row in self._phases.get(programme, {}).values():
            if row.changed_by == old_key:
                row.changed_by, changed = new_key, changed + 1
        for row in self._idea_rows(programme):
            if row.owner == old_key:
                row.owner, changed = new_key, changed + 1
        ideas = {r.id for r in self._idea_rows(programme)}
        for note in self._notes:
            if note.idea_id in ideas and note.note.author == old_key:
                note.note, changed = replace(note.note, author=new_key), changed + 1
        for sid, sub in self._subscriptions.items():
            if sub.programme == programme and self._subscribed_by[sid] == old_key:
                self._subscribed_by[sid], changed = new_key, changed + 1
        return changed + self._rekey_nudges(programme, old_key, new_key)

    def _rekey_nudges(self, programme: str, old_key: str, new_key: str) -> int:
        """Who set a phase change, muted a channel or owns an action asked about."""
        changed = 0
        new_by = domain.Participant(*new_key.split(":", 1))
        for row in self._schedules.values():
            if row.schedule.programme == programme and row.schedule.by.key == old_key:
                row.schedule, changed = replace(row.schedule, by=new_by), changed + 1
        for key, muted_by in self._muted.items():
            if key[0] == programme and muted_by == old_key:
                self._muted[key], changed = new_key, changed + 1
        for (prog, _, _), asked in self._follow_ups.items():
            if prog == programme and asked[0].owner == old_key:
                asked[0], changed = replace(asked[0], owner=new_key), changed + 1
        return changed

    def _forget_references(self, programme: str, platform: str, user_id: str) -> int:
        """A conversation reference keeps who spoke when it was saved: not needed to reach
        the conversation again, so forgotten."""
        changed = 0
        for (owner, key), row in self._channels.items():
            speaker = (row.reference or {}).get("user")
            if (
                owner == programme
                and key[0] == platform
                and isinstance(speaker, dict)
                and speaker.get("id") == user_id
                and row.reference is not None
            ):
                del row.reference["user"]
                changed += 1
        return changed

    def _forget_if_gone(self, platform: str, user_id: str) -> None:
        """Once nothing of the person is left in any programme, their platform id and name go."""
        key = f"{platform}:{user_id}"
        known = self._people.get((platform, user_id))
        if known is not None and self._referenced(known[0]):
            return
        if any(self._names(key, user_id, platform)):
            return
        if known is not None:
            del self._people[(platform, user_id)]
            self._people[(platform, unlinked_id())] = (known[0], "")

    def _referenced(self, person: int) -> bool:
        return (
            any(p.posted_by == person for p in self._prompts.values())
            or any(person in (r.author_id, r.assigned_by) for r in self._ideas.values())
            or any(v == person for _, v in self._votes)
            or any(v == person for _, v, _ in self._used)
            or any(d.author_id == person for d in self._drafts.values())
            or any(f.person_id == person for f in self._flags)
            or any(p == person for _, p in self._proposals)
            or any(t.tagged_by == person for t in self._tags.values())
            or any(e.added_by == person for found in self._emerging.values() for e in found)
        )

    def _names(self, key: str, user_id: str, platform: str) -> list[bool]:
        """Where the person's key or platform id is still written, in any programme."""
        entries = [e for found in self._history.values() for e in found]
        return [
            any(e.who == key or key in map(str, e.detail.values()) for e in entries),
            any(
                key in (u, by) for p in self._programmes.values() for u, by in p.organisers.items()
            ),
            any(r.changed_by == key for found in self._phases.values() for r in found.values()),
            any(n.note.author == key for n in self._notes),
            any(by == key for by in self._subscribed_by.values()),
            any(
                k[1][0] == platform
                and isinstance(speaker := (row.reference or {}).get("user"), dict)
                and speaker.get("id") == user_id
                for k, row in self._channels.items()
            ),
        ]
