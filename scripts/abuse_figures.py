#!/usr/bin/env python3
# Abuse scenarios of the hardening issue, against a real binary on a fresh
# demo site: CPU seconds and peak RSS of the server, and the statuses seen.
#   scripts/abuse_figures.py BIN DATA_DIR PORT comments|bodies|png|logins40|logins100
import subprocess, time, os, re, sys, urllib.request, urllib.parse, threading, http.client, io, struct, zlib, shutil, http.cookiejar
BIN, DATA, PORT, SCEN = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
shutil.rmtree(DATA, ignore_errors=True)
env = dict(os.environ, QUIRE_DATA=DATA)
subprocess.run([BIN, "migrate"], env=env, capture_output=True)
p = subprocess.Popen([BIN, "serve", "--demo", "--trusted-proxies", "127.0.0.1", "--addr", f"127.0.0.1:{PORT}"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
import atexit
atexit.register(p.kill)  # never leave the server running
for line in p.stdout:
    if b"Outbox" in line or b"Create the owner" in line: break
time.sleep(0.5)
B = f"http://127.0.0.1:{PORT}"
def cpu():
    f = open(f"/proc/{p.pid}/stat").read().split(")")[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
def hwm():
    for l in open(f"/proc/{p.pid}/status"):
        if l.startswith("VmHWM"): return l.split()[1] + " kB"
def post(path, body, ctype, hdrs={}):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=300)
    h = {"Content-Type": ctype, "Origin": B}; h.update(hdrs)
    try:
        c.request("POST", path, body=body, headers=h)
        r = c.getresponse(); r.read(); return r.status
    except Exception as e:
        return str(e)[:40]
c0, m0 = cpu(), hwm()
if SCEN == "comments":
    home = urllib.request.urlopen(B + "/").read().decode()
    path = re.findall(r'href="(/20\d\d/[^"]+/)"', home)[0]
    page = urllib.request.urlopen(B + path).read().decode()
    tok = re.search(r'name="comment_token" value="([^"]+)"', page).group(1).replace("&#43;", "+")
    pid = re.search(r'name="comment_post_ID" id="comment_post_ID" value="(\d+)"', page).group(1)
    time.sleep(3.2)
    codes = []
    c0 = cpu()
    for i in range(20):
        body = urllib.parse.urlencode({"comment": ">" * (64 * 1024 - 16) + str(i), "author": "Flo", "email": "flo@example.org",
            "comment_post_ID": pid, "comment_token": tok, "comment_parent": "0"})
        codes.append(post("/wp-comments-post.php", body, "application/x-www-form-urlencoded"))
    print("statuses", codes)
elif SCEN == "bodies":
    big = b"--xyz\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n" + b"a" * (40 << 20) + b"\r\n--xyz--\r\n"
    res = []
    ts = [threading.Thread(target=lambda: res.append(post("/admin/login", big, "multipart/form-data; boundary=xyz"))) for _ in range(10)]
    [t.start() for t in ts]; [t.join() for t in ts]
    print("statuses", res)
elif SCEN == "png":
    pw = "owner-password-123"
    subprocess.run([BIN, "user", "add", "--email", "o@example.com", "--name", "O", "--role", "owner"], env=env, input=pw.encode(), capture_output=True)
    jar = http.cookiejar.CookieJar()
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    op.addheaders = [("Origin", B)]
    class NoRedir(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k): return None
    op.add_handler(NoRedir())
    try: op.open(B + "/admin/login", urllib.parse.urlencode({"email": "o@example.com", "password": pw}).encode())
    except urllib.error.HTTPError as e: pass
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    W = 6320
    raw = (b"\x00" + b"\x12\x34" * 4 * W)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(raw) for _ in range(W)) + comp.flush()
    def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, W, 16, 6, 0, 0, 0)) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    print("png bytes", len(png))
    body = b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\nContent-Type: image/png\r\n\r\n" + png + b"\r\n--xyz--\r\n"
    res = []
    c0 = cpu()
    ts = [threading.Thread(target=lambda: res.append(post("/admin/media/", body, "multipart/form-data; boundary=xyz", {"Cookie": cookie}))) for _ in range(4)]
    [t.start() for t in ts]; [t.join() for t in ts]
    print("statuses", res)
elif SCEN == "logins40":
    res = []
    def one(i):
        res.append(post("/admin/login", urllib.parse.urlencode({"email": f"nobody{i}@example.com", "password": "guess-guess"}),
            "application/x-www-form-urlencoded", {"X-Forwarded-For": f"198.51.100.{i+1}"}))
    ts = [threading.Thread(target=one, args=(i,)) for i in range(40)]
    [t.start() for t in ts]; [t.join() for t in ts]
    print("statuses", {s: res.count(s) for s in set(res)})
elif SCEN == "logins100":
    res = []
    def one(i):
        res.append(post("/admin/login", urllib.parse.urlencode({"email": f"nobody{i}@example.com", "password": "guess-guess"}),
            "application/x-www-form-urlencoded", {"X-Forwarded-For": "198.51.100.7"}))
    ts = [threading.Thread(target=one, args=(i,)) for i in range(100)]
    [t.start() for t in ts]; [t.join() for t in ts]
    print("statuses (401 = reached the password check)", {s: res.count(s) for s in set(res)})
time.sleep(0.5)
print(f"{SCEN}: CPU {cpu()-c0:.2f} s, peak RSS before {m0} after {hwm()}")
p.terminate(); p.wait()
