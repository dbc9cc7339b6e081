"""Grading in worker processes, so the event loop and the database threads keep their core.

Grading is pure Python and numpy on one thread: in the bot's process it holds the GIL the event
loop needs. `PooledGrader` hands each answer to a worker process (started with `spawn`, each
loading the model once) and awaits the grade; `grade` (the synchronous port) still grades in
this process. A pool that cannot start, or that breaks, is logged and replaced by in-process
grading, so answers are never lost to it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import signal
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import NamedTuple, TypeVar

from bot.core.grading import Grade, PeerTexts, Verdict
from bot.grading.embedder import MODEL_DIR, StaticEmbedder
from bot.grading.grader import EmbeddingGrader
from bot.grading.peerindex import PeerIndex, PostPeers
from content.model import Question

log = logging.getLogger(__name__)

_worker_grader: EmbeddingGrader | None = None
# Answers that arrive while the workers are busy go over together: one hand-over per batch
# instead of one per answer is what keeps the event loop's share of the work small.
MAX_BATCH = 16
# Batches on their way per worker: one being graded, one queued behind it.
BATCHES_PER_WORKER = 2
CLOSE_GRACE_S = 5.0

# Posts whose peer texts the worker keeps (and this process remembers having sent).
MAX_KEPT_POSTS = 256


class PeerDelta(NamedTuple):
    """Peer texts as sent to the one worker: what changed since the last answer to the post
    it was sent, and who of those it keeps does not count for this answer. (A named tuple,
    like the rest of what crosses to the worker: tuples pickle in C, dataclasses in Python.)"""

    post_key: tuple[int, int]
    kept: int
    """How many members' texts the worker must hold for the post before `changed`."""
    changed: tuple[tuple[int, str], ...]
    excluded: frozenset[int]


class PeersOutOfStep(Exception):
    """The worker does not hold the peer texts a delta was made against."""


class QuestionUnknown(Exception):
    """The worker was sent a question's id but does not hold the question."""


Job = tuple[Question, str, tuple[str, ...] | PeerTexts]
# A question goes to the one worker once, then by its id.
Sent = tuple[Question | str, str, tuple[str, ...] | PeerDelta]
# A grade as it comes back: score, verdict, covered, missed, hint, flags.
GradeFields = tuple[int, str, tuple[str, ...], tuple[str, ...], str, tuple[str, ...]]
_worker_peers: OrderedDict[tuple[int, int], PeerIndex] = OrderedDict()
_worker_questions: dict[str, Question] = {}


def _start_worker(model_dir: Path) -> None:
    """In each worker process, once: load the model. Stop signals are the bot's to handle: it
    lets the workers finish what they were given, then ends them."""
    global _worker_grader
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    _worker_grader = EmbeddingGrader(StaticEmbedder(model_dir))


def _grade_batch(jobs: list[Sent]) -> list[GradeFields | Exception]:
    """In a worker: each answer's grade, or the error that one answer raised."""
    if _worker_grader is None:
        raise RuntimeError("grading worker not initialised")
    results: list[GradeFields | Exception] = []
    for question, answer, peers in jobs:
        try:
            texts = _worker_peer_texts(peers) if isinstance(peers, PeerDelta) else peers
            grade = _worker_grader.grade(_worker_question(question), answer, texts)
            results.append(_fields(grade))
        except Exception as error:
            results.append(error)
    return results


def _worker_question(sent: Question | str) -> Question:
    """In a worker: the question itself, kept for later, or the one kept under its id."""
    if isinstance(sent, str):
        question = _worker_questions.get(sent)
        if question is None:
            raise QuestionUnknown(sent)
        return question
    _worker_questions[sent.id] = sent
    return sent


def _fields(grade: Grade) -> GradeFields:
    return grade.score, grade.verdict.value, grade.covered, grade.missed, grade.hint, grade.flags


def _grade_from(fields: GradeFields) -> Grade:
    score, verdict, covered, missed, hint, flags = fields
    return Grade(score, Verdict(verdict), covered, missed, hint, flags)


def _worker_peer_texts(delta: PeerDelta) -> PostPeers:
    """In a worker: bring the post's kept answers up to date; the ones this answer sees."""
    kept = _remember(_worker_peers, delta.post_key, PeerIndex)
    if len(kept) != delta.kept:
        del _worker_peers[delta.post_key]
        raise PeersOutOfStep(delta.post_key)
    kept.update(delta.changed)
    return PostPeers(kept, delta.excluded)


Kept = TypeVar("Kept", dict[int, str], PeerIndex)


def _remember(
    posts: OrderedDict[tuple[int, int], Kept], key: tuple[int, int], new: Callable[[], Kept]
) -> Kept:
    """The post's kept texts (new: none), most recently used; the least recent post goes.
    This process (texts sent) and the worker (texts kept, indexed) call it for the same posts
    in the same order."""
    kept = posts.get(key)
    if kept is None:
        kept = posts[key] = new()
        if len(posts) > MAX_KEPT_POSTS:
            posts.popitem(last=False)
    posts.move_to_end(key)
    return kept


def _ready() -> bool:
    return _worker_grader is not None


class PooledGrader:
    """Implements the `Grader` port, and `grade_async` on `workers` processes when started."""

    def __init__(self, workers: int = 1, model_dir: Path = MODEL_DIR) -> None:
        self.local = EmbeddingGrader(StaticEmbedder(model_dir))
        self._workers = workers
        self._model_dir = model_dir
        self._pool: Executor | None = None
        self._warming: list[Future[bool]] = []
        self._waiting: list[tuple[Job, asyncio.Future[Grade]]] = []
        self._sent_peers: OrderedDict[tuple[int, int], dict[int, str]] = OrderedDict()
        self._sent_questions: dict[str, Question] = {}
        self._batches = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def pooled(self) -> bool:
        """True while answers are graded in worker processes."""
        return self._pool is not None

    def start(self) -> None:
        """Start the workers (they load the model in the background); in-process on failure."""
        if self._workers < 1 or self._pool is not None:
            return
        try:
            pool = ProcessPoolExecutor(
                self._workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self._model_dir,),
            )
            self._warming = [pool.submit(_ready) for _ in range(self._workers)]
        except (OSError, RuntimeError) as error:
            log.warning("grading workers did not start (%s); grading in-process", error)
            return
        self._pool = pool
        log.info("grading workers started", extra={"workers": self._workers})

    async def ready(self) -> None:
        """Wait until the workers have loaded the model (at once without a pool)."""
        warming = [asyncio.wrap_future(started) for started in self._warming]
        await asyncio.gather(*warming, return_exceptions=True)

    async def close(self) -> None:
        """Stop the workers once the answers they were given are graded; grades wanted
        afterwards are made in-process."""
        pool = self._pool
        if pool is None:
            return
        try:
            await asyncio.wait_for(self._idle.wait(), CLOSE_GRACE_S)
        except TimeoutError:
            log.warning("grading workers still busy at shutdown")
        self._pool = None
        for job, future in self._waiting:
            self._grade_here(job, future)
        self._waiting.clear()
        await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
        log.info("grading workers stopped")

    def grade(self, question: Question, answer: str, peers: Sequence[str] = ()) -> Grade:
        return self.local.grade(question, answer, peers)

    async def grade_async(
        self, question: Question, answer: str, peers: Sequence[str] = ()
    ) -> Grade:
        """The grade from a worker process, or from this one when there is no pool."""
        if self._pool is None:
            return self.local.grade(question, answer, peers)
        future: asyncio.Future[Grade] = asyncio.get_running_loop().create_future()
        self._waiting.append(((question, answer, tuple(peers)), future))
        self._idle.clear()
        self._dispatch()
        return await future

    async def grade_with_peers(self, question: Question, answer: str, peers: PeerTexts) -> Grade:
        """As `grade_async`; with one worker, only the peer texts it lacks are sent."""
        if self._pool is None or self._workers != 1:
            return await self.grade_async(question, answer, peers.others())
        future: asyncio.Future[Grade] = asyncio.get_running_loop().create_future()
        self._waiting.append(((question, answer, peers), future))
        self._idle.clear()
        self._dispatch()
        return await future

    def _to_send(self, job: Job) -> Sent:
        question, answer, peers = job
        if not isinstance(peers, PeerTexts):
            return question, answer, peers
        return self._question_to_send(question), answer, self._delta(peers)

    def _question_to_send(self, question: Question) -> Question | str:
        """The question's id once the one worker holds this very question; else itself."""
        if self._sent_questions.get(question.id) is question:
            return question.id
        self._sent_questions[question.id] = question
        return question

    def _delta(self, peers: PeerTexts) -> PeerDelta:
        sent = _remember(self._sent_peers, peers.post_key, dict)
        kept = len(sent)
        # Set operations on the dict views run in C: a post may have hundreds of answers.
        changed = tuple(peers.texts.items() - sent.items())
        sent.update(changed)
        excluded = sent.keys() - peers.texts.keys()
        if peers.member_id in sent:
            excluded.add(peers.member_id)
        return PeerDelta(peers.post_key, kept, changed, frozenset(excluded))

    def _forget_sent(self) -> None:
        """The worker may hold some of what was sent, or none of it: send it all again."""
        self._sent_peers.clear()
        self._sent_questions.clear()

    def _dispatch(self) -> None:
        """Send what waits, in batches, while a worker has room; in-process without a pool."""
        pool = self._pool
        if pool is None:
            waiting, self._waiting = self._waiting, []
            for job, future in waiting:
                self._grade_here(job, future)
            return
        loop = asyncio.get_running_loop()
        while self._waiting and self._batches < self._workers * BATCHES_PER_WORKER:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                jobs = [self._to_send(job) for job, _ in batch]
                sent = loop.run_in_executor(pool, _grade_batch, jobs)
            except (BrokenProcessPool, RuntimeError) as error:  # broken, or shut down
                self._forget_sent()
                self._broken(error)
                self._waiting = batch + self._waiting
                self._dispatch()
                return
            self._batches += 1
            sent.add_done_callback(functools.partial(self._finish, batch))

    def _finish(
        self,
        batch: list[tuple[Job, asyncio.Future[Grade]]],
        done: asyncio.Future[list[GradeFields | Exception]],
    ) -> None:
        self._batches -= 1
        error = asyncio.CancelledError() if done.cancelled() else done.exception()
        if error is not None:
            if isinstance(error, BrokenProcessPool):
                self._broken(error)
            self._forget_sent()
            for job, future in batch:
                self._grade_here(job, future)
        else:
            for (job, future), result in zip(batch, done.result(), strict=True):
                if future.done():
                    continue
                if isinstance(result, PeersOutOfStep):
                    self._sent_peers.pop(result.args[0], None)
                    log.warning("grading worker out of step on peer answers; graded here")
                    self._grade_here(job, future)
                elif isinstance(result, QuestionUnknown):
                    self._sent_questions.pop(result.args[0], None)
                    log.warning("grading worker lacks a question; graded here")
                    self._grade_here(job, future)
                elif isinstance(result, Exception):
                    future.set_exception(result)
                else:
                    future.set_result(_grade_from(result))
        self._dispatch()
        if not self._batches and not self._waiting:
            self._idle.set()

    def _broken(self, error: BaseException) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            log.error("grading workers stopped (%s); grading in-process from now on", error)
            pool.shutdown(wait=False, cancel_futures=True)

    def _grade_here(self, job: Job, future: asyncio.Future[Grade]) -> None:
        if future.done():
            return
        question, answer, peers = job
        texts = peers.others() if isinstance(peers, PeerTexts) else peers
        try:
            future.set_result(self.local.grade(question, answer, texts))
        except Exception as error:
            future.set_exception(error)
