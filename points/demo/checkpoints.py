"""Demo checkpoints at real Xiamen places: three upcoming volunteer events, a recycling station, a trailhead.

Times are relative to the seed's run so the events are always upcoming and the station and trailhead open.
The station credits through its attendant (the resident's personal code and the weight), not by its poster.
"""
from datetime import datetime, time, timedelta

from sqlmodel import Session, select

from db.models import Checkpoint, Place
from points.accounts.users import find_user
from points.checkin import checkpoints
from points.common.clock import city_zone, local_day, utcnow

# (kind, title_zh, title_en, description_zh, description_en, place id, lat, lon, days ahead, local start, hours,
#  capacity, expected attendance)
DEMO_CHECKPOINTS = (
    ("event", "筼筜湖岸线清洁", "Yundang Lake shore clean-up", "沿湖滨南路捡拾垃圾，手套和夹子由组织方提供。",
     "Litter picking along Hubin Road South; gloves and grabbers provided.", "music_square", 24.4701, 118.07934,
     3, time(9, 0), 3, 30, 20),
    ("event", "白城沙滩净滩", "Baicheng Beach clean-up", "环岛路白城沙滩净滩活动，请穿防晒衣物。",
     "Beach clean-up at Baicheng on the Ring Road; bring sun protection.", "baicheng_beach", 24.43492, 118.0959,
     6, time(8, 30), 3, 40, 25),
    ("event", "五缘湾湿地护鸟志愿服务", "Wuyuan Bay wetland bird guardians", "协助记录湿地鸟类并引导游客文明观鸟。",
     "Help count the wetland's birds and guide visitors to watch them without disturbing.", "wuyuanwan_wetland",
     24.5198, 118.17251, 10, time(14, 0), 3, 20, 15),
    ("station", "中山公园可回收物回收站", "Zhongshan Park recycling station",
     "低值可回收物分类投放点。请向工作人员出示个人码，称重后入账；扫描海报不能获得积分。",
     "Drop-off point for sorted low-value recyclables. Show your personal code to the attendant, who weighs your "
     "material and credits it; scanning the poster earns nothing.", "zhongshan_park", 24.46163, 118.0848,
     0, time(0, 0), 24 * 365, None, 200),
    ("trailhead", "山海健康步道·邮轮中心起点", "Mountain-to-Sea Trail start (Cruise Center)",
     "云海线西起点，全程约23公里。", "West start of the Yunhai line, about 23 km.", "cruise_center", 24.48444,
     118.06962, 0, time(0, 0), 24 * 365, None, 300),
)


def load_demo_checkpoints(session: Session, *, now: datetime | None = None) -> int:
    """Create and publish the demo checkpoints as the demo organiser; those already there are skipped."""
    organizer = find_user(session, username="organizer")
    if organizer is None or organizer.id is None:
        return 0
    today = local_day(now or utcnow())
    known = set(session.exec(select(Checkpoint.title_en)))
    added = 0
    for (kind, title_zh, title_en, text_zh, text_en, place_id, lat, lon, days, start, hours, capacity,
         expected) in DEMO_CHECKPOINTS:
        if title_en in known:
            continue
        starts_at = datetime.combine(today + timedelta(days=days), start, tzinfo=city_zone())
        checkpoint = checkpoints.create_checkpoint(
            session, actor_id=organizer.id, kind=kind, title_zh=title_zh, title_en=title_en,
            description_zh=text_zh, description_en=text_en, lat=lat, lon=lon,
            place_id=place_id if session.get(Place, place_id) else None, starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours), capacity=capacity, expected_attendance=expected, now=now)
        assert checkpoint.id is not None  # create_checkpoint flushed the new row
        checkpoints.publish(session, actor_id=organizer.id, checkpoint_id=checkpoint.id, now=now)
        added += 1
    return added
