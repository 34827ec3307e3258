"""A real S3-compatible server for tests: moto's standalone server (``moto[server]``), started
as its own process on a free port, and the labsite settings that point media at a bucket there."""

from __future__ import annotations

import functools
import json
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from labsite.s3 import s3_media


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def moto_server():
    """``http://127.0.0.1:<port>`` of a moto S3 server running until the block ends."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"moto server exited: {log.read().decode()[-2000:]}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("moto server did not start in 30 s") from None
                    time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass
class Bucket:
    name: str
    endpoint: str
    env: dict[str, str]
    media_url: str
    storage: dict

    @functools.cached_property
    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )

    def object_keys(self) -> set[str]:
        found: set[str] = set()
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name):
            found |= {item["Key"] for item in page.get("Contents", [])}
        return found


def new_bucket(endpoint: str) -> Bucket:
    """A new, empty bucket on ``endpoint`` and the environment that points labsite at it."""
    name = f"labsite-{uuid.uuid4().hex[:12]}"
    env = {
        "LABSITE_S3_BUCKET": name,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
    conf = s3_media(env)
    bucket = Bucket(name, endpoint, env, conf["media_url"], conf["storage"])
    client = bucket.client
    client.create_bucket(Bucket=name)
    # Public pages show the images: anyone may read them (README, Deployment), nobody list or write.
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{name}/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read))
    return bucket
